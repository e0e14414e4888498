// SPDX-License-Identifier: Apache-2.0
// Counts the open connections of the HTTP server, in all and per client address, so one
// client (or a crowd) cannot take every file descriptor and every slot from GitHub.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace lxdrunner::http {

class ConnectionLimits {
 public:
  // 0 = no limit. Behind a reverse proxy every connection comes from the proxy's address:
  // the per-address limit must then be 0 or at least the proxy's connection pool.
  ConnectionLimits(std::size_t max_total, std::size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  // Counts a new connection from `address`; false (and nothing counted) over either limit.
  bool admit(const std::string& address);
  // The connection admitted for `address` is closed.
  void release(const std::string& address);

  std::size_t open() const;
  std::size_t openFrom(const std::string& address) const;

 private:
  const std::size_t max_total_;
  const std::size_t max_per_address_;
  mutable std::mutex mu_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_address_;
};

}  // namespace lxdrunner::http
