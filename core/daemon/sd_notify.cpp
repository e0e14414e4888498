// SPDX-License-Identifier: Apache-2.0
#include "daemon/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace lxdrunner::daemon {
namespace {

// Closes the socket on every return path.
class SocketGuard {
 public:
  explicit SocketGuard(int fd) : fd_(fd) {}
  ~SocketGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  SocketGuard(const SocketGuard&) = delete;
  SocketGuard& operator=(const SocketGuard&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

bool sdNotifyTo(std::string_view address, std::string_view state) {
  // Only the two AF_UNIX forms; systemd's newer "vsock:" addresses are for VMs talking to
  // their host, which is not where lxdrunner runs.
  if (address.size() < 2 || (address[0] != '/' && address[0] != '@')) return false;

  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // An abstract name is not NUL-terminated, so the path must leave room only for a
  // filesystem path's terminator.
  const bool abstract = address[0] == '@';
  if (address.size() + (abstract ? 0 : 1) > sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, address.data(), address.size());
  if (abstract) addr.sun_path[0] = '\0';
  // For an abstract socket every byte of the given length is part of the name, so the
  // length must be exact, not sizeof(addr).
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());

  SocketGuard socket(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (socket.fd() < 0) return false;
  ssize_t sent = -1;
  do {
    sent = ::sendto(socket.fd(), state.data(), state.size(), MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(&addr), length);
  } while (sent < 0 && errno == EINTR);
  return sent >= 0 && static_cast<size_t>(sent) == state.size();
}

bool sdNotify(std::string_view state) {
  const char* address = std::getenv(kNotifySocketEnv);
  if (address == nullptr || *address == '\0') return false;
  return sdNotifyTo(address, state);
}

bool notifyReady() {
  return sdNotify("READY=1");
}

bool notifyStopping() {
  return sdNotify("STOPPING=1");
}

std::string statusLine(std::string_view text) {
  std::string line = "STATUS=";
  line.reserve(line.size() + text.size());
  for (const char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
  return line;
}

bool notifyStatus(std::string_view text) {
  return sdNotify(statusLine(text));
}

}  // namespace lxdrunner::daemon
