// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/http_types.hpp"
#include "sim/scope.hpp"

namespace lxdrunner::github_sim {

// Who may call a route.
enum class Access {
  Open,            // simulator control and downloads: no credentials, no rate limit, no faults
  Token,           // GitHub REST: a PAT or an installation token
  TokenUncounted,  // like Token, but not counted against the rate limit (GET /rate_limit)
  AppJwt,          // GitHub REST /app/...: a GitHub App JWT
};

// The credential behind a REST request, once authenticated.
struct Identity {
  std::string kind;    // "pat", "installation", "app"
  std::string bucket;  // rate-limit bucket
  std::int64_t installationId = 0;
};

struct RouteContext {
  const SimRequest& request;
  std::map<std::string, std::string> params;  // {name} captures of the pattern
  Identity identity;

  std::string param(const std::string& name) const;
  std::int64_t intParam(const std::string& name) const;  // -1 when not a number
  // The repos/{owner}/{repo} or orgs/{org} scope the path names.
  Scope scope() const;
};

using RouteHandler = std::function<SimResponse(RouteContext&)>;

struct Route {
  std::string method;
  std::string pattern;  // as counted in /_sim/state, e.g. "/repos/{owner}/{repo}/hooks"
  Access access = Access::Token;
  RouteHandler handler;
  std::vector<std::string> segments;
};

// Matches "/a/{x}/b"-style patterns segment by segment. A pattern starting with "/{scope}"
// is registered twice, for "/repos/{owner}/{repo}" and for "/orgs/{org}".
class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Access access,
           RouteHandler handler);
  const Route* match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>& params) const;

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> splitPath(const std::string& path);

}  // namespace lxdrunner::github_sim
