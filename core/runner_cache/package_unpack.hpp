// SPDX-License-Identifier: Apache-2.0
// Unpacks a verified .tar.gz with the system's tar and makes the tree readable by instances.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace lxdrunner::runner_cache {

// Runs `tar -xzf tarball -C into_dir --no-same-owner` (into_dir must exist), then sets
// directories to 0755 and files to 0755/0644 (executable or not): the tree is mounted read-only
// into containers whose users are not root on the host, and the daemon's umask must not matter.
// Throws std::runtime_error with tar's own message on failure, when the deadline passes or
// when `cancelled` turns true (tar is killed then).
void unpackTarGz(const std::string& tarball, const std::string& into_dir,
                 std::chrono::steady_clock::time_point deadline,
                 const std::function<bool()>& cancelled);

// The permission rule above, applied to a tree; symbolic links are left alone.
void makeReadableByAll(const std::string& dir);

}  // namespace lxdrunner::runner_cache
