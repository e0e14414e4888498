// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/Dynamic/Var.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lxdrunner::github_sim {

// One HTTP request, detached from Poco's server classes so the simulator's logic can be
// exercised without sockets.
struct SimRequest {
  std::string method;
  std::string path;       // decoded path without the query; "/api/v3" already removed
  std::string apiPrefix;  // "/api/v3" when the client used a GHES-style base URL, else ""
  std::vector<std::pair<std::string, std::string>> query;  // in request order
  std::map<std::string, std::string> headers;              // names lowercased
  std::string body;
  std::string baseUrl;  // scheme://host[:port] the client used (from the Host header)

  std::string header(const std::string& lowerCaseName) const;
  bool hasQuery(const std::string& name) const;
  std::string queryValue(const std::string& name, const std::string& fallback = "") const;
};

struct SimResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string contentType = "application/json; charset=utf-8";

  void addHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

SimResponse jsonResponse(int status, const Poco::Dynamic::Var& json);
// 204 and 202-style answers without a body.
SimResponse emptyResponse(int status);

// Splits "a=1&b=2" into decoded pairs.
std::vector<std::pair<std::string, std::string>> parseQuery(const std::string& rawQuery);

}  // namespace lxdrunner::github_sim
