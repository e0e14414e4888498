// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

// Default values of optional settings, shared by the model, the parser and the documentation
// tests so that a default is written down exactly once.
namespace lxdrunner::config::defaults {

inline constexpr std::string_view kGithubApiUrl = "https://api.github.com";
inline constexpr std::string_view kPrefix = "lxdrunner";
inline constexpr int kMaxWorkers = 10;
inline constexpr std::string_view kWebHost = "0.0.0.0";
inline constexpr int kWebPort = 5000;
inline constexpr std::string_view kStateDir = "/var/lib/lxdrunner";
// runner_cache_dir defaults to <state_dir>/<this>.
inline constexpr std::string_view kRunnerCacheSubdir = "runner-cache";
inline constexpr std::string_view kLogLevel = "information";

// The LXD server instances are launched on unless an entry says otherwise.
inline constexpr std::string_view kMainRemote = "main";
inline constexpr std::string_view kProfile = "default";
inline constexpr std::string_view kProvisioner = "bash";
inline constexpr std::string_view kContainerBackend = "lxd-container";
inline constexpr std::string_view kVirtualMachineBackend = "lxd-vm";

inline constexpr std::string_view kWebhookSource = "webhook";
inline constexpr std::string_view kWebhookPath = "/hooks/lxdrunner";

// The operator API listens apart from the webhook server, on the loopback interface.
inline constexpr std::string_view kOperatorApiHost = "127.0.0.1";
inline constexpr int kOperatorApiPort = 5001;

}  // namespace lxdrunner::config::defaults
