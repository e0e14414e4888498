// SPDX-License-Identifier: Apache-2.0
#include "http/connection_gate.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "http/request_head.hpp"

namespace lxdrunner::http {
namespace {

std::string cannedAnswer(const char* status, const std::string& body) {
  return std::string("HTTP/1.1 ") + status +
         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}
const std::string kBusy = cannedAnswer("503 Service Unavailable", "too many connections\n");
const std::string kHeadTimeout =
    cannedAnswer("408 Request Timeout", "request head took too long\n");
const std::string kHeadTooLarge =
    cannedAnswer("431 Request Header Fields Too Large", "request head too large\n");

// How often deadlines are looked at: a head timeout is enforced within this much.
constexpr std::chrono::milliseconds kTick{100};
// After accept() itself fails (out of file descriptors), the listener rests this long
// instead of waking the gate in a loop.
constexpr std::chrono::milliseconds kAcceptPause{50};

}  // namespace

ConnectionGate::ConnectionGate(Poco::Net::ServerSocket listener, GateSettings settings,
                               HandOff hand_off)
    : listener_(std::move(listener)),
      settings_(settings),
      hand_off_(std::move(hand_off)),
      limits_(settings.max_connections, settings.max_connections_per_address) {}

ConnectionGate::~ConnectionGate() {
  stop();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void ConnectionGate::start() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    throw std::runtime_error(std::string("HTTP server: cannot create its event loop: ") +
                             std::strerror(errno));
  }
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake);
  listener_.setBlocking(false);
  thread_ = std::thread([this] { run(); });
}

void ConnectionGate::stop() {
  if (stopping_.exchange(true)) return;
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  try {
    listener_.close();
  } catch (const Poco::Exception&) {
  }
}

void ConnectionGate::handBack(Poco::Net::StreamSocket& socket, const std::string& address) {
  if (stopping_) {
    socket.close();
    limits_.release(address);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(handed_back_mu_);
    handed_back_.emplace_back(socket, address);
    socket = Poco::Net::StreamSocket();  // the caller's reference ends under the lock
  }
  const uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void ConnectionGate::closed(const std::string& address) {
  limits_.release(address);
}

void ConnectionGate::run() {
  const int listen_fd = listener_.impl()->sockfd();
  epoll_event events[64];
  auto next_tick = Clock::now() + kTick;
  while (!stopping_) {
    const auto now = Clock::now();
    if (!listener_armed_ && now >= accept_paused_until_) {
      epoll_event ev{};
      ev.events = EPOLLIN;  // level-triggered: a backlog left after a batch wakes us again
      ev.data.fd = listen_fd;
      listener_armed_ = ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd, &ev) == 0;
    }
    const int n = ::epoll_wait(epoll_fd_, events, 64, static_cast<int>(kTick.count()));
    for (int i = 0; i < n && !stopping_; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listen_fd) {
        acceptAll();
      } else if (fd == wake_fd_) {
        uint64_t ignored = 0;
        [[maybe_unused]] auto r = ::read(wake_fd_, &ignored, sizeof ignored);
        takeHandedBack();
      } else {
        inspect(fd);
      }
    }
    if (Clock::now() >= next_tick) {
      expire(Clock::now());
      next_tick = Clock::now() + kTick;
    }
  }
  for (auto& [fd, held] : held_) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    held.socket.close();
    limits_.release(held.address);
  }
  held_.clear();
  std::lock_guard<std::mutex> lock(handed_back_mu_);
  for (auto& [socket, address] : handed_back_) {
    socket.close();
    limits_.release(address);
  }
  handed_back_.clear();
}

void ConnectionGate::acceptAll() {
  for (int batch = 0; batch < 64; ++batch) {
    try {
      if (!listener_.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) return;
      Poco::Net::SocketAddress client;
      Poco::Net::StreamSocket socket = listener_.acceptConnection(client);
      std::string address = client.host().toString();
      if (!limits_.admit(address)) {
        ++counters_.refused_over_limit;
        if (settings_.inspect_heads) {
          ::send(socket.impl()->sockfd(), kBusy.data(), kBusy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        }
        socket.close();
        continue;
      }
      hold(std::move(socket), std::move(address), false);
    } catch (const Poco::Exception&) {
      // A client that reset before accept, or no file descriptor left: rest the listener.
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listener_.impl()->sockfd(), nullptr);
      listener_armed_ = false;
      accept_paused_until_ = Clock::now() + kAcceptPause;
      return;
    }
  }
}

void ConnectionGate::hold(Poco::Net::StreamSocket socket, std::string address,
                          bool idle_keep_alive) {
  const int fd = socket.impl()->sockfd();
  Held held;
  held.socket = std::move(socket);
  held.address = std::move(address);
  held.idle_keep_alive = idle_keep_alive;
  held.deadline =
      Clock::now() + (idle_keep_alive ? settings_.keep_alive_timeout : settings_.header_timeout);
  held_.insert_or_assign(fd, std::move(held));
  epoll_event ev{};
  // Edge-triggered: every arrival of bytes wakes us once, although the bytes peeked at stay
  // unread in the socket (the worker's HTTP parser reads them from the start).
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) drop(fd);
}

void ConnectionGate::inspect(int fd) {
  auto it = held_.find(fd);
  if (it == held_.end()) return;
  peek_buffer_.resize(settings_.max_head_bytes);
  const ssize_t n = ::recv(fd, peek_buffer_.data(), peek_buffer_.size(), MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    drop(fd);  // the client went away
    return;
  }
  if (n < 0) return;
  HeadState state = HeadState::complete;
  if (settings_.inspect_heads) {
    state = scanRequestHead(std::string_view(peek_buffer_.data(), static_cast<size_t>(n)),
                            settings_.max_head_bytes);
  }
  if (state == HeadState::incomplete) {
    if (it->second.idle_keep_alive) {
      // The next request has begun: from now on its head has the head deadline.
      it->second.idle_keep_alive = false;
      it->second.deadline = Clock::now() + settings_.header_timeout;
    }
    return;
  }
  if (state == HeadState::too_large) {
    ++counters_.heads_too_large;
    refuse(fd, kHeadTooLarge);
    return;
  }
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  Held held = std::move(it->second);
  held_.erase(it);
  if (!hand_off_(held.socket, held.address)) {
    ++counters_.refused_busy;
    held_.insert_or_assign(fd, std::move(held));
    refuse(fd, kBusy);
  }
}

void ConnectionGate::expire(Clock::time_point now) {
  std::vector<int> due;
  for (const auto& [fd, held] : held_) {
    if (held.deadline <= now) due.push_back(fd);
  }
  for (int fd : due) {
    if (held_.at(fd).idle_keep_alive) {
      drop(fd);
    } else {
      ++counters_.header_timeouts;
      refuse(fd, kHeadTimeout);
    }
  }
}

void ConnectionGate::takeHandedBack() {
  std::vector<std::pair<Poco::Net::StreamSocket, std::string>> back;
  {
    std::lock_guard<std::mutex> lock(handed_back_mu_);
    back.swap(handed_back_);
  }
  for (auto& [socket, address] : back) hold(std::move(socket), std::move(address), true);
}

void ConnectionGate::refuse(int fd, const std::string& answer) {
  if (settings_.inspect_heads) {
    // Unread request bytes would make close() send a reset that can overtake the answer.
    char sink[4096];
    for (int i = 0; i < 64 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
    }
    ::send(fd, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
  }
  drop(fd);
}

void ConnectionGate::drop(int fd) {
  auto it = held_.find(fd);
  if (it == held_.end()) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  it->second.socket.close();
  limits_.release(it->second.address);
  held_.erase(it);
}

}  // namespace lxdrunner::http
