// SPDX-License-Identifier: Apache-2.0
// The front of the HTTP server: accepts connections and holds each one, on a single thread
// with epoll, until a whole request head has arrived; only then is it handed to a worker.
// A worker gives a keep-alive connection back between requests. So threads serve requests,
// never wait on slow or idle clients: hundreds of connections trickling header bytes cost
// file descriptors, which are counted and capped (in all and per client address), and each
// must finish its head within a deadline.
//
// With TLS the bytes are encrypted: the gate then waits only for the client's first bytes,
// and the handshake and head are read by the worker within the read timeout.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/connection_limits.hpp"

namespace lxdrunner::http {

struct GateSettings {
  std::chrono::milliseconds header_timeout{10000};  // accept (or keep-alive data) → whole head
  std::chrono::milliseconds keep_alive_timeout{15000};  // idle between requests
  std::size_t max_head_bytes = 64 * 1024;
  std::size_t max_connections = 1024;             // 0 = no limit
  std::size_t max_connections_per_address = 128;  // 0 = no limit
  bool inspect_heads = true;                      // false for TLS: wait for any byte
};

struct GateCounters {
  std::atomic<uint64_t> refused_over_limit{0};  // answered 503 at accept
  std::atomic<uint64_t> header_timeouts{0};     // answered 408
  std::atomic<uint64_t> heads_too_large{0};     // answered 431
  std::atomic<uint64_t> refused_busy{0};        // head complete, every worker busy: 503
};

class ConnectionGate {
 public:
  // Takes a connection whose head is here, and with it the gate's reference (`socket` may be
  // left empty). Returns false when it cannot (workers busy), `socket` then as it was; the
  // gate answers 503 and closes. The callee calls handBack() or closed() later.
  using HandOff = std::function<bool(Poco::Net::StreamSocket& socket, const std::string& address)>;

  ConnectionGate(Poco::Net::ServerSocket listener, GateSettings settings, HandOff hand_off);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  void start();
  // Stops accepting and closes every connection the gate holds. Idempotent.
  void stop();

  // A worker is done with a request and the connection stays open (keep-alive). Takes the
  // caller's reference: `socket` is left empty.
  void handBack(Poco::Net::StreamSocket& socket, const std::string& address);
  // A worker closed a connection the gate handed it.
  void closed(const std::string& address);

  const GateCounters& counters() const noexcept { return counters_; }
  std::size_t openConnections() const { return limits_.open(); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Held {
    Poco::Net::StreamSocket socket;
    std::string address;
    Clock::time_point deadline;
    bool idle_keep_alive = false;  // no byte of the next request yet: close quietly at deadline
  };

  void run();
  void acceptAll();
  void hold(Poco::Net::StreamSocket socket, std::string address, bool idle_keep_alive);
  void inspect(int fd);
  void expire(Clock::time_point now);
  void takeHandedBack();
  // Sends a short canned answer (plain HTTP only), closes, releases the address's count.
  void refuse(int fd, const std::string& answer);
  // Closes a held connection and releases the address's count.
  void drop(int fd);

  Poco::Net::ServerSocket listener_;
  const GateSettings settings_;
  HandOff hand_off_;
  ConnectionLimits limits_;
  GateCounters counters_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::unordered_map<int, Held> held_;  // gate thread only
  std::vector<char> peek_buffer_;       // gate thread only
  Clock::time_point accept_paused_until_{};
  bool listener_armed_ = false;

  std::mutex handed_back_mu_;
  std::vector<std::pair<Poco::Net::StreamSocket, std::string>> handed_back_;
};

}  // namespace lxdrunner::http
