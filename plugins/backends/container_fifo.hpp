// SPDX-License-Identifier: Apache-2.0
// Writes into a FIFO inside a running container from the host, through the container's
// root as /proc shows it: a warm start's JIT config reaches the waiting runner supervisor
// without an exec, which costs LXD a start of its own binary (forkexec) each time.
#pragma once

#include <cstdint>
#include <string>

namespace lxdrunner::backends {

enum class FifoWrite {
  kWritten,      // all of the data is in the FIFO
  kNoReader,     // no FIFO at the path, or nothing holds it open for reading: nothing written
  kUnreachable,  // the container's files cannot be reached from here: nothing written
};

struct ContainerFifo {
  std::string proc = "/proc";  // where procfs is mounted (a directory tree in tests)
  int64_t init_pid = 0;        // the container's init, as the host sees it (LXD's state "pid")
  // The container's cgroup directory name ("lxc.payload.NAME", or with an LXD project
  // "lxc.payload.PROJECT_NAME"): the process must be in it and be its pid namespace's init,
  // so a pid reused by any other process since LXD named it is refused.
  std::string payload_cgroup;
  std::string path;  // absolute, inside the container
};

// The cgroup directory LXD gives a container: "lxc.payload.NAME", or in a project other than
// the default one "lxc.payload.PROJECT_NAME".
std::string payloadCgroup(const std::string& project, const std::string& instance);

// Writes `data` (at most 65536 bytes) into the FIFO, which must be owned by the container's
// root and open to nobody else (mode 0600 or stricter), waiting at most `timeout_ms` for
// room in it. The path is resolved inside the container's root (its symlinks cannot lead
// out of it) and only a FIFO is ever opened for writing. `why` says why not, for kNoReader
// and kUnreachable. Throws std::runtime_error when a write failed part way.
FifoWrite writeContainerFifo(const ContainerFifo& target, const std::string& data, int timeout_ms,
                             std::string& why);

}  // namespace lxdrunner::backends
