// SPDX-License-Identifier: Apache-2.0
#include "sim/http_types.hpp"

#include <Poco/URI.h>

#include "sim/json_util.hpp"

namespace lxdrunner::github_sim {

std::string SimRequest::header(const std::string& lowerCaseName) const {
  auto it = headers.find(lowerCaseName);
  return it == headers.end() ? std::string() : it->second;
}

bool SimRequest::hasQuery(const std::string& name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return true;
  }
  return false;
}

std::string SimRequest::queryValue(const std::string& name, const std::string& fallback) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return fallback;
}

SimResponse jsonResponse(int status, const Poco::Dynamic::Var& json) {
  SimResponse response;
  response.status = status;
  response.body = toJson(json);
  return response;
}

SimResponse emptyResponse(int status) {
  SimResponse response;
  response.status = status;
  response.contentType.clear();
  return response;
}

std::vector<std::pair<std::string, std::string>> parseQuery(const std::string& rawQuery) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start <= rawQuery.size()) {
    std::size_t end = rawQuery.find('&', start);
    if (end == std::string::npos) end = rawQuery.size();
    const std::string part = rawQuery.substr(start, end - start);
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      std::string key, value;
      Poco::URI::decode(part.substr(0, eq), key, true);
      if (eq != std::string::npos) Poco::URI::decode(part.substr(eq + 1), value, true);
      out.emplace_back(key, value);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace lxdrunner::github_sim
