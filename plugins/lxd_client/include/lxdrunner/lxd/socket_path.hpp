// SPDX-License-Identifier: Apache-2.0
// Where the local LXD (or Incus) listens, found the way `lxc` and `incus` find it.
#pragma once

#include <functional>
#include <string>

#include "lxdrunner/lxd/remote_config.hpp"

namespace lxdrunner::lxd {

// Inputs of the lookup, injectable so the order can be tested without touching the machine.
struct SocketEnvironment {
  std::function<const char*(const char*)> getenv;
  std::function<bool(const std::string&)> is_socket;
  static SocketEnvironment system();
};

// remote.socket, then an addr that is a path; otherwise $LXD_SOCKET, $LXD_DIR/unix.socket,
// $INCUS_SOCKET, $INCUS_DIR/unix.socket (each used as given, existing or not), then the first
// existing of the snap socket, /var/lib/lxd/unix.socket, /run/incus/unix.socket and
// /var/lib/incus/unix.socket; with none present, /var/lib/lxd/unix.socket (so an error names
// the path a Debian LXD would use).
std::string resolveSocketPath(const RemoteConfig& remote,
                              const SocketEnvironment& env = SocketEnvironment::system());

}  // namespace lxdrunner::lxd
