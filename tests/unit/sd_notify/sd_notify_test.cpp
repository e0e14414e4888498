// SPDX-License-Identifier: Apache-2.0
// sd_notify without libsystemd: a real AF_UNIX datagram socket plays systemd's part.
#include "daemon/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

namespace {

using lxdrunner::daemon::kNotifySocketEnv;

// Sets or unsets $NOTIFY_SOCKET for one test and restores the previous value afterwards.
class NotifySocketEnv {
 public:
  explicit NotifySocketEnv(const std::optional<std::string>& value) {
    if (const char* old = std::getenv(kNotifySocketEnv)) previous_ = old;
    if (value) {
      ::setenv(kNotifySocketEnv, value->c_str(), 1);
    } else {
      ::unsetenv(kNotifySocketEnv);
    }
  }
  ~NotifySocketEnv() {
    if (previous_) {
      ::setenv(kNotifySocketEnv, previous_->c_str(), 1);
    } else {
      ::unsetenv(kNotifySocketEnv);
    }
  }
  NotifySocketEnv(const NotifySocketEnv&) = delete;
  NotifySocketEnv& operator=(const NotifySocketEnv&) = delete;

 private:
  std::optional<std::string> previous_;
};

// The service manager's end: a bound datagram socket. `address` is written as in
// $NOTIFY_SOCKET: "/path" or "@abstract-name".
class Receiver {
 public:
  explicit Receiver(std::string address) : address_(std::move(address)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket(AF_UNIX, SOCK_DGRAM) failed");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, address_.data(), address_.size());
    if (address_[0] == '@') addr.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), length) != 0) {
      ::close(fd_);
      throw std::runtime_error("bind " + address_ + ": " + std::strerror(errno));
    }
  }
  ~Receiver() {
    ::close(fd_);
    if (address_[0] == '/') ::unlink(address_.c_str());
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  const std::string& address() const { return address_; }

  // The next queued datagram, or nothing. sendto() on a local datagram socket queues the
  // message before it returns, so there is nothing to wait for.
  std::optional<std::string> take() {
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<size_t>(n));
  }

 private:
  std::string address_;
  int fd_ = -1;
};

// A fresh directory for a filesystem socket, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/lxdrunner-sdnotify-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { ::rmdir(path_.c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string abstractName(const char* what) {
  return "@lxdrunner-test-sdnotify-" + std::to_string(::getpid()) + "-" + what;
}

}  // namespace

TEST_CASE("sd_notify: READY=1 reaches a filesystem socket named by NOTIFY_SOCKET", "[sd_notify]") {
  TempDir dir;
  Receiver systemd(dir.path() + "/notify");
  NotifySocketEnv env(systemd.address());

  REQUIRE(lxdrunner::daemon::notifyReady());
  CHECK(systemd.take() == std::optional<std::string>("READY=1"));
  CHECK_FALSE(systemd.take().has_value());  // exactly one datagram
}

TEST_CASE("sd_notify: READY=1 reaches an abstract socket written '@name'", "[sd_notify]") {
  Receiver systemd(abstractName("ready"));
  NotifySocketEnv env(systemd.address());

  REQUIRE(lxdrunner::daemon::notifyReady());
  CHECK(systemd.take() == std::optional<std::string>("READY=1"));
}

TEST_CASE("sd_notify: stopping and status messages", "[sd_notify]") {
  Receiver systemd(abstractName("status"));
  NotifySocketEnv env(systemd.address());

  REQUIRE(lxdrunner::daemon::notifyStatus("3 runners alive\nlistening on :5000"));
  CHECK(systemd.take() == std::optional<std::string>("STATUS=3 runners alive listening on :5000"));
  REQUIRE(lxdrunner::daemon::notifyStopping());
  CHECK(systemd.take() == std::optional<std::string>("STOPPING=1"));
  REQUIRE(lxdrunner::daemon::sdNotify("STATUS=draining\nSTOPPING=1"));
  CHECK(systemd.take() == std::optional<std::string>("STATUS=draining\nSTOPPING=1"));
}

TEST_CASE("sd_notify: sdNotifyTo sends to the address it is given", "[sd_notify]") {
  Receiver systemd(abstractName("explicit"));
  NotifySocketEnv env(std::nullopt);

  REQUIRE(lxdrunner::daemon::sdNotifyTo(systemd.address(), "READY=1"));
  CHECK(systemd.take() == std::optional<std::string>("READY=1"));
}

TEST_CASE("sd_notify: does nothing without NOTIFY_SOCKET", "[sd_notify]") {
  {
    NotifySocketEnv env(std::nullopt);
    CHECK_FALSE(lxdrunner::daemon::notifyReady());
  }
  {
    NotifySocketEnv env{std::string()};
    CHECK_FALSE(lxdrunner::daemon::notifyReady());
  }
}

TEST_CASE("sd_notify: unusable addresses fail without throwing", "[sd_notify]") {
  TempDir dir;
  for (const std::string& address :
       {std::string("relative/socket"), std::string("@"), std::string("vsock:2:1234"),
        dir.path() + "/nobody-listens", "/" + std::string(200, 'x'), "@" + std::string(200, 'x')}) {
    INFO("NOTIFY_SOCKET=" << address);
    NotifySocketEnv env(address);
    CHECK_FALSE(lxdrunner::daemon::notifyReady());
  }
}

TEST_CASE("sd_notify: the status line keeps the protocol to one line", "[sd_notify]") {
  CHECK(lxdrunner::daemon::statusLine("ok") == "STATUS=ok");
  CHECK(lxdrunner::daemon::statusLine("a\r\nb") == "STATUS=a  b");
  CHECK(lxdrunner::daemon::statusLine("") == "STATUS=");
}
