// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>
#include <vector>

// The keys each kind of mapping accepts. The parser rejects anything else (with a suggestion), and
// knownKeyPaths() is built from these lists, so they are the single source of truth.
namespace lxdrunner::config::detail::schema {

const std::vector<std::string_view>& topLevelKeys();  // includes legacyKeys()
// Keys of the original (Python) lxdrunner that are accepted with a warning.
const std::vector<std::string_view>& legacyKeys();
const std::vector<std::string_view>& secretKeys();  // {file: PATH} or {env: NAME}
const std::vector<std::string_view>& githubAppKeys();
const std::vector<std::string_view>& remoteKeys();
const std::vector<std::string_view>& loggingKeys();
const std::vector<std::string_view>& dispatcherKeys();
const std::vector<std::string_view>& operatorApiKeys();
const std::vector<std::string_view>& runnerEntryKeys();
const std::vector<std::string_view>& warmPoolKeys();
const std::vector<std::string_view>& devicePoolKeys();

// Keys with a meaning of their own inside a plugin settings map; all others go to the plugin.
inline constexpr std::string_view kEnabledKey = "enabled";
inline constexpr std::string_view kWebhookPathKey = "path";
// An event source's own webhook secret: read as a secret, never passed on in its settings JSON.
inline constexpr std::string_view kSourceHooksecretKey = "hooksecret";

}  // namespace lxdrunner::config::detail::schema
