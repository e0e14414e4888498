// SPDX-License-Identifier: Apache-2.0
// Keep-alive connections to one server, reused across requests, and the cap on requests in
// flight to it (a launch storm must not open hundreds of sockets to one LXD).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "lxdrunner/lxd/connection.hpp"
#include "lxdrunner/lxd/deadline.hpp"

namespace lxdrunner::lxd {

class ConnectionPool {
 public:
  ConnectionPool(Connector connector, std::size_t max_connections,
                 std::chrono::milliseconds max_idle);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection lent out for one request. Destroying the lease closes the connection
  // unless keep() was called after a clean exchange.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          connection_(std::move(other.connection_)),
          keep_(other.keep_) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }
    void keep() { keep_ = true; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
    bool keep_ = false;
  };

  // Waits (until the deadline) for a free slot, then lends an idle connection or opens a
  // new one. `fresh` skips idle connections. Throws ConnectError when opening fails and
  // LxdError(TIMEOUT) when every slot stays busy past the deadline.
  Lease acquire(Deadline deadline, bool fresh);

  const Connector& connector() const { return connector_; }
  // Counts for tests and the benchmark.
  std::size_t opened() const;
  std::size_t idle() const;

 private:
  void giveBack(std::unique_ptr<Connection> connection, bool reusable);

  Connector connector_;
  const std::size_t max_connections_;
  const std::chrono::milliseconds max_idle_;
  mutable std::mutex mu_;
  std::condition_variable slot_freed_;
  std::size_t in_use_ = 0;
  std::size_t opened_ = 0;
  std::vector<std::unique_ptr<Connection>> idle_;  // most recently used last
};

}  // namespace lxdrunner::lxd
