// SPDX-License-Identifier: Apache-2.0
// The operator API's own listener. It is separate from the webhook server on purpose: that
// one faces GitHub (often the internet) while this one changes what the daemon does, so it
// binds to 127.0.0.1 by default and nothing reaches it unless the operator opens it up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "http/http_server.hpp"
#include "http/route_table.hpp"
#include "operator_api/operator_api.hpp"

namespace lxdrunner::operator_api {

class ApiServer {
 public:
  // port 0 = any free port (tests).
  ApiServer(std::string host, uint16_t port, OperatorApi& api);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Throws std::runtime_error with one line naming the address and what to do.
  void start();
  void stop();
  uint16_t port() const noexcept { return port_; }

 private:
  std::string host_;
  uint16_t port_;
  OperatorApi& api_;
  http::RouteTable routes_;  // none: every request goes to the API
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace lxdrunner::operator_api
