// SPDX-License-Identifier: Apache-2.0
#include "config/config_search.hpp"

#include <sys/stat.h>

#include <cstdlib>

namespace lxdrunner::config {

namespace {

constexpr const char* kConfigEnvVar = "LXDRUNNER_CONFIG";
constexpr const char* kFileName = "config.yml";
constexpr const char* kSystemConfig = "/etc/lxdrunner/config.yml";

bool isUsableFile(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 && !S_ISDIR(status.st_mode);
}

std::optional<std::string> nonEmptyEnv(const char* name) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in lxdrunner calls setenv.
  const char* const value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

// XDG says a relative $XDG_CONFIG_HOME is invalid and must be ignored.
std::optional<std::string> userConfigDir() {
  if (auto xdg = nonEmptyEnv("XDG_CONFIG_HOME"); xdg && xdg->front() == '/') {
    return xdg;
  }
  if (const auto home = nonEmptyEnv("HOME")) {
    return *home + "/.config";
  }
  return std::nullopt;
}

std::optional<std::string> firstExisting(const std::vector<std::string>& candidates,
                                         std::vector<std::string>& tried) {
  for (const auto& candidate : candidates) {
    tried.push_back(candidate);
    if (isUsableFile(candidate)) {
      return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace

// A path the user named (--config or $LXDRUNNER_CONFIG) is never replaced by a file found
// elsewhere: silently running with another configuration than the one asked for is worse than
// stopping with "not found".
std::optional<std::string> findConfigFile(const std::optional<std::string>& explicit_path,
                                          std::vector<std::string>& tried) {
  if (explicit_path && !explicit_path->empty()) {
    return firstExisting({*explicit_path}, tried);
  }
  if (const auto from_env = nonEmptyEnv(kConfigEnvVar)) {
    return firstExisting({*from_env}, tried);
  }
  std::vector<std::string> candidates{std::string("./") + kFileName};
  if (const auto user_dir = userConfigDir()) {
    candidates.push_back(*user_dir + "/lxdrunner/" + kFileName);
  }
  candidates.emplace_back(kSystemConfig);
  return firstExisting(candidates, tried);
}

}  // namespace lxdrunner::config
