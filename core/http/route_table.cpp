// SPDX-License-Identifier: Apache-2.0
#include "http/route_table.hpp"

#include <mutex>
#include <utility>

namespace lxdrunner::http {

bool RouteTable::add(Route route) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  std::string path = route.path;
  return routes_.emplace(std::move(path), std::move(route)).second;
}

void RouteTable::reserve(const std::string& path) {
  Route builtin;
  builtin.plugin = "lxdrunner";
  builtin.path = path;
  add(std::move(builtin));
}

std::optional<Route> RouteTable::find(const std::string& path) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = routes_.find(path);
  if (it == routes_.end()) return std::nullopt;
  return it->second;
}

}  // namespace lxdrunner::http
