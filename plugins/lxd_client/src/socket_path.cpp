// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/socket_path.hpp"

#include <sys/stat.h>

#include <cstdlib>

namespace lxdrunner::lxd {

SocketEnvironment SocketEnvironment::system() {
  SocketEnvironment env;
  env.getenv = [](const char* name) { return std::getenv(name); };
  env.is_socket = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
  };
  return env;
}

std::string resolveSocketPath(const RemoteConfig& remote, const SocketEnvironment& env) {
  if (!remote.socket.empty()) return remote.socket;
  if (!remote.addr.empty()) return remote.addr;

  auto fromEnv = [&](const char* name) -> std::string {
    const char* value = env.getenv(name);
    return value != nullptr ? std::string(value) : std::string();
  };
  // An explicit environment setting wins even when the socket is not there yet: silently
  // falling through to another daemon would be worse than a clear "not found".
  if (auto v = fromEnv("LXD_SOCKET"); !v.empty()) return v;
  if (auto v = fromEnv("LXD_DIR"); !v.empty()) return v + "/unix.socket";
  if (auto v = fromEnv("INCUS_SOCKET"); !v.empty()) return v;
  if (auto v = fromEnv("INCUS_DIR"); !v.empty()) return v + "/unix.socket";

  static const char* const kWellKnown[] = {
      "/var/snap/lxd/common/lxd/unix.socket",
      "/var/lib/lxd/unix.socket",
      "/run/incus/unix.socket",
      "/var/lib/incus/unix.socket",
  };
  for (const char* path : kWellKnown) {
    if (env.is_socket(path)) return path;
  }
  return "/var/lib/lxd/unix.socket";
}

}  // namespace lxdrunner::lxd
