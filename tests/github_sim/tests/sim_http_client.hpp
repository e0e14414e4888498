// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>
#include <utility>

#include "sim/json_util.hpp"

namespace lxdrunner::github_sim::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;

  std::string header(const std::string& lowerCaseName) const;
  JsonObject json() const;
  JsonArray jsonArray() const;
};

// A plain Poco HTTP client, one connection per request: what a test needs to talk to the
// simulator the way any GitHub client would.
class SimHttpClient {
 public:
  explicit SimHttpClient(std::string baseUrl) : baseUrl_(std::move(baseUrl)) {}

  // token: sent as "Authorization: token <token>" unless it already names a scheme
  // ("Bearer ..."); empty: no Authorization header.
  HttpResult request(const std::string& method, const std::string& pathAndQuery,
                     const std::string& body = "", const std::string& token = "",
                     const std::map<std::string, std::string>& headers = {}) const;
  HttpResult get(const std::string& path, const std::string& token = "") const {
    return request("GET", path, "", token);
  }
  HttpResult post(const std::string& path, const std::string& body,
                  const std::string& token = "") const {
    return request("POST", path, body, token);
  }

 private:
  std::string baseUrl_;
};

}  // namespace lxdrunner::github_sim::testing
