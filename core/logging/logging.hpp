// SPDX-License-Identifier: Apache-2.0
// Logging through Poco channels: one line per message with timestamp, level and component
// (the logger's name), per-component levels, and secrets redacted before anything is written.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace lxdrunner::logging {

struct LogSettings {
  std::string level = "information";              // default for every component
  std::map<std::string, std::string> components;  // component (logger name prefix) → level
  std::string format = "text";                    // text | json
};

// Installs the root channel (stderr) and levels. `secrets` are replaced by "****" in every
// message, whatever component logs it. May be called again (e.g. after --log-level).
void setup(const LogSettings& settings, const std::vector<std::string>& secrets);

// Adds secrets to redact from now on (e.g. a GitHub installation token fetched at run time).
void addSecret(const std::string& secret);

// Throws std::invalid_argument naming the allowed levels for an unknown level name.
int parseLevel(const std::string& name);

}  // namespace lxdrunner::logging
