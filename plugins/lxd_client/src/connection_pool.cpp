// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/connection_pool.hpp"

#include <utility>

namespace lxdrunner::lxd {

ConnectionPool::ConnectionPool(Connector connector, std::size_t max_connections,
                               std::chrono::milliseconds max_idle)
    : connector_(std::move(connector)),
      max_connections_(max_connections == 0 ? 1 : max_connections),
      max_idle_(max_idle) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->giveBack(std::move(connection_), keep_);
}

ConnectionPool::Lease ConnectionPool::acquire(Deadline deadline, bool fresh) {
  std::unique_ptr<Connection> connection;
  std::vector<std::unique_ptr<Connection>> retired;  // closed outside the lock
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto freeSlot = [&] { return in_use_ < max_connections_; };
    if (deadline.unlimited()) {
      slot_freed_.wait(lock, freeSlot);
    } else if (!slot_freed_.wait_until(lock,
                                       std::chrono::steady_clock::time_point(
                                           std::chrono::milliseconds(deadline.atMs())),
                                       freeSlot)) {
      throw LxdError(LXDR_ERR_TIMEOUT, "all " + std::to_string(max_connections_) +
                                           " connections to " + connector_.where() +
                                           " stayed busy until the deadline");
    }
    ++in_use_;
    const auto now = std::chrono::steady_clock::now();
    while (!idle_.empty()) {
      std::unique_ptr<Connection> candidate = std::move(idle_.back());
      idle_.pop_back();
      if (!fresh && now - candidate->lastUsed() < max_idle_) {
        connection = std::move(candidate);
        break;
      }
      retired.push_back(std::move(candidate));
    }
  }
  if (connection && !connection->usableAfterIdle()) {
    retired.push_back(std::move(connection));
  }
  retired.clear();
  if (!connection) {
    try {
      connection = connector_.connect(deadline.remaining(connector_.remote().connect_timeout));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      --in_use_;
      slot_freed_.notify_one();
      throw;
    }
    std::lock_guard<std::mutex> lock(mu_);
    ++opened_;
  }
  return Lease(this, std::move(connection));
}

void ConnectionPool::giveBack(std::unique_ptr<Connection> connection, bool reusable) {
  std::unique_ptr<Connection> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    if (reusable && connection) {
      connection->touch();
      connection->countUse();
      idle_.push_back(std::move(connection));
    } else {
      closing = std::move(connection);
    }
  }
  slot_freed_.notify_one();
}

std::size_t ConnectionPool::opened() const {
  std::lock_guard<std::mutex> lock(mu_);
  return opened_;
}

std::size_t ConnectionPool::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_.size();
}

}  // namespace lxdrunner::lxd
