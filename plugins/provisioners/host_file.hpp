// SPDX-License-Identifier: Apache-2.0
// Host files pushed into instances: streamed in chunks (a runner tarball is ~200 MB and is
// never held in memory), and small text files read whole (the setup script run inline).
#pragma once

#include <cstdint>
#include <string>

#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::provisioners {

// A FilePush reading `host_path` as it is sent, from its start at each push (a retry sends it
// all). Throws sdk::Error(LXDR_ERR_NOT_FOUND) naming the file and the reason when it cannot be
// opened; a read error mid-way fails the push with its reason.
sdk::FilePush pushFromHostFile(const std::string& host_path, std::string guest_path, uint32_t mode);

// The size in bytes of a host file (for the log), or 0 when unknown.
uint64_t hostFileSize(const std::string& host_path);

// The whole file. Throws sdk::Error(LXDR_ERR_NOT_FOUND) naming the file and the reason.
std::string readHostFile(const std::string& host_path);

}  // namespace lxdrunner::provisioners
