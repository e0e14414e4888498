// SPDX-License-Identifier: Apache-2.0
#include "config/placeholders.hpp"

namespace lxdrunner::config {

std::vector<std::string> placeholderSecrets(const Config& config) {
  std::vector<std::string> keys;
  for (const auto& named : config.secrets()) {
    if (named.key == "operator_api.token" && !config.operator_api.enabled) continue;
    if (named.secret->reveal().rfind(kPlaceholderPrefix, 0) == 0) keys.push_back(named.key);
  }
  return keys;
}

std::string placeholderMessage(const std::string& key) {
  return key + ": is still the example's placeholder ('" + std::string(kPlaceholderPrefix) +
         "...'): replace it with the real secret, best as {file: PATH} or {env: NAME}";
}

}  // namespace lxdrunner::config
