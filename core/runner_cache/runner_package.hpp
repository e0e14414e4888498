// SPDX-License-Identifier: Apache-2.0
// What a runner package's file name tells: its version and whether it can be unpacked here.
#pragma once

#include <string>

namespace lxdrunner::runner_cache {

// "actions-runner-linux-x64-2.311.0.tar.gz" → "2.311.0". Throws std::invalid_argument naming
// the file when the name is not one the cache can store safely (a path, a hidden name, no
// version after the last '-').
std::string versionFromFilename(const std::string& filename);

// Linux and macOS packages are .tar.gz; Windows packages are .zip and are kept unpacked=false.
bool isTarGz(const std::string& filename);

}  // namespace lxdrunner::runner_cache
