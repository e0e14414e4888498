// SPDX-License-Identifier: Apache-2.0
// Logging through Poco channels: one line per message with timestamp, level and component
// (the logger's name), per-component levels, and secrets redacted before anything is written.
#pragma once

#include <chrono>
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

// Adds a secret to redact from now on, for good (e.g. the operator API token).
void addSecret(const std::string& secret);
// Adds a credential GitHub issued for a while (installation, registration and JIT tokens):
// masked for `lifetime`, and afterwards still when it has a token's shape. Keeps the
// redactor's list bounded however many jobs the daemon serves (see redactor.hpp).
void addShortLivedSecret(const std::string& secret, std::chrono::seconds lifetime);

// Throws std::invalid_argument naming the allowed levels for an unknown level name.
int parseLevel(const std::string& name);

}  // namespace lxdrunner::logging
