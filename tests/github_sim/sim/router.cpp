// SPDX-License-Identifier: Apache-2.0
#include "sim/router.hpp"

#include <utility>

namespace lxdrunner::github_sim {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string RouteContext::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::int64_t RouteContext::intParam(const std::string& name) const {
  const std::string text = param(name);
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoll(text);
}

Scope RouteContext::scope() const {
  if (params.count("org") > 0) return Scope::forOrg(param("org"));
  return Scope::forRepo(param("owner"), param("repo"));
}

void Router::add(const std::string& method, const std::string& pattern, Access access,
                 RouteHandler handler) {
  const std::string scopeMarker = "/{scope}";
  if (pattern.compare(0, scopeMarker.size(), scopeMarker) == 0) {
    const std::string rest = pattern.substr(scopeMarker.size());
    add(method, "/repos/{owner}/{repo}" + rest, access, handler);
    add(method, "/orgs/{org}" + rest, access, std::move(handler));
    return;
  }
  Route route;
  route.method = method;
  route.pattern = pattern;
  route.access = access;
  route.handler = std::move(handler);
  route.segments = splitPath(pattern);
  routes_.push_back(std::move(route));
}

const Route* Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>& params) const {
  const std::vector<std::string> parts = splitPath(path);
  for (const auto& route : routes_) {
    if (route.method != method || route.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> captured;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const std::string& seg = route.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        captured[seg.substr(1, seg.size() - 2)] = parts[i];
      } else {
        ok = seg == parts[i];
      }
    }
    if (ok) {
      params = std::move(captured);
      return &route;
    }
  }
  return nullptr;
}

}  // namespace lxdrunner::github_sim
