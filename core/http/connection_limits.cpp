// SPDX-License-Identifier: Apache-2.0
#include "http/connection_limits.hpp"

namespace lxdrunner::http {

bool ConnectionLimits::admit(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  if (max_total_ != 0 && total_ >= max_total_) return false;
  std::size_t& mine = per_address_[address];
  if (max_per_address_ != 0 && mine >= max_per_address_) return false;
  ++mine;
  ++total_;
  return true;
}

void ConnectionLimits::release(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = per_address_.find(address);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);  // the map holds open addresses only
  --total_;
}

std::size_t ConnectionLimits::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

std::size_t ConnectionLimits::openFrom(const std::string& address) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

}  // namespace lxdrunner::http
