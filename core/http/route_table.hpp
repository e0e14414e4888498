// SPDX-License-Identifier: Apache-2.0
// Exact-path routes that plugins register through the host service register_http_route.
#pragma once

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>

#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::http {

struct Route {
  std::string plugin;  // who registered it (for logs)
  std::string path;
  uint64_t max_body = 0;  // 0 = the server's default
  lxdr_http_handler_fn handler = nullptr;
  void* handler_ctx = nullptr;
};

class RouteTable {
 public:
  // False when the path is taken (by a plugin or a built-in route).
  bool add(Route route);
  std::optional<Route> find(const std::string& path) const;
  void reserve(const std::string& path);  // a built-in path plugins may not take

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, Route> routes_;
};

}  // namespace lxdrunner::http
