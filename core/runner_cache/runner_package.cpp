// SPDX-License-Identifier: Apache-2.0
#include "runner_cache/runner_package.hpp"

#include <cctype>
#include <stdexcept>

namespace lxdrunner::runner_cache {
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Versions become directory names, so only characters that cannot form a path are allowed.
bool isSafeVersion(const std::string& v) {
  if (v.empty() || !std::isdigit(static_cast<unsigned char>(v.front()))) return false;
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '.' && c != '_' && c != '+' && c != '-') return false;
  }
  return true;
}

}  // namespace

bool isTarGz(const std::string& filename) {
  return endsWith(filename, ".tar.gz");
}

std::string versionFromFilename(const std::string& filename) {
  if (filename.empty() || filename.front() == '.' || filename.find('/') != std::string::npos ||
      filename.find('\\') != std::string::npos) {
    throw std::invalid_argument("runner package name '" + filename +
                                "' is not a plain file name: refusing to store it");
  }
  std::string stem = filename;
  if (isTarGz(stem)) {
    stem.resize(stem.size() - 7);
  } else if (endsWith(stem, ".zip")) {
    stem.resize(stem.size() - 4);
  } else {
    throw std::invalid_argument("runner package " + filename +
                                " is neither .tar.gz nor .zip: refusing to store it");
  }
  const auto dash = stem.find_last_of('-');
  const std::string version = dash == std::string::npos ? std::string() : stem.substr(dash + 1);
  if (!isSafeVersion(version)) {
    throw std::invalid_argument("runner package " + filename +
                                " carries no version after its last '-' (expected a name like "
                                "actions-runner-linux-x64-2.311.0.tar.gz)");
  }
  return version;
}

}  // namespace lxdrunner::runner_cache
