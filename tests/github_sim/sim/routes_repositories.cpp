// SPDX-License-Identifier: Apache-2.0
// GitHub REST endpoints that list repositories (what `poll.repositories: auto` reads), and the
// control endpoint that declares repositories.
#include <mutex>
#include <vector>

#include "sim/github_errors.hpp"
#include "sim/github_objects.hpp"
#include "sim/pagination.hpp"
#include "sim/routes.hpp"

namespace lxdrunner::github_sim {
namespace {

JsonObject listedRepositoryJson(SimContext& ctx, const Repository& repository) {
  JsonObject out = repositoryJson(ctx.state, repository.fullName, repository.orgOwned, ctx.urls());
  out->set("archived", repository.archived);
  out->set("disabled", repository.disabled);
  out->set("private", repository.isPrivate);
  out->set("visibility", repository.isPrivate ? "private" : "public");
  return out;
}

// GET /installation/repositories: an installation token only, as on GitHub.
SimResponse installationRepositories(SimContext& ctx, RouteContext& rc) {
  if (rc.identity.kind != "installation") {
    return githubError(403,
                       "You must authenticate with an installation access token in order to list "
                       "repositories for an installation.",
                       "https://docs.github.com/rest/apps/installations"
                       "#list-repositories-accessible-to-the-app-installation");
  }
  const PageRequest page = PageRequest::from(rc.request);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  std::vector<Repository> listed;
  for (const auto& [key, repository] : ctx.state.knownRepositories()) {
    if (repository.installationId == 0 || repository.installationId == rc.identity.installationId) {
      listed.push_back(repository);
    }
  }
  JsonArray items = newArray();
  for (std::size_t i = page.begin(listed.size()); i < page.end(listed.size()); ++i) {
    items->add(listedRepositoryJson(ctx, listed[i]));
  }
  JsonObject body = newObject();
  body->set("total_count", static_cast<std::int64_t>(listed.size()));
  body->set("repository_selection", "all");
  body->set("repositories", items);
  SimResponse response = jsonResponse(200, body);
  const std::string link = pageLinkHeader(rc.request, page, listed.size());
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

// GET /user/repos: a PAT only (an installation token is not a user). The simulator's PATs
// reach every repository it knows; sorted by full name, GitHub's default for this listing.
SimResponse userRepositories(SimContext& ctx, RouteContext& rc) {
  if (rc.identity.kind != "pat") {
    return githubError(403, "Resource not accessible by integration",
                       "https://docs.github.com/rest/repos/repos"
                       "#list-repositories-for-the-authenticated-user");
  }
  const PageRequest page = PageRequest::from(rc.request);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  std::vector<Repository> listed;
  for (const auto& [key, repository] : ctx.state.knownRepositories()) listed.push_back(repository);
  JsonArray items = newArray();
  for (std::size_t i = page.begin(listed.size()); i < page.end(listed.size()); ++i) {
    items->add(listedRepositoryJson(ctx, listed[i]));
  }
  SimResponse response = jsonResponse(200, items);
  const std::string link = pageLinkHeader(rc.request, page, listed.size());
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

// GET /repos/{owner}/{repo}: a repository the simulator knows (private or not, ...).
SimResponse getRepository(SimContext& ctx, RouteContext& rc) {
  const std::string fullName = rc.param("owner") + "/" + rc.param("repo");
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  const auto known = ctx.state.knownRepositories();
  auto it = known.find(toLower(fullName));
  if (it == known.end()) return notFound();
  return jsonResponse(200, listedRepositoryJson(ctx, it->second));
}

Repository declared(const JsonObject& body, const std::string& fullName) {
  const std::size_t slash = fullName.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == fullName.size() ||
      fullName.find('/', slash + 1) != std::string::npos) {
    throw BadInput("full_name must be OWNER/NAME, not '" + fullName + "'");
  }
  Repository r;
  r.fullName = fullName;
  r.orgOwned = optBool(body, "org").value_or(false);
  r.archived = optBool(body, "archived").value_or(false);
  r.disabled = optBool(body, "disabled").value_or(false);
  r.isPrivate = optBool(body, "private").value_or(false);
  r.installationId = optInt(body, "installation_id").value_or(0);
  return r;
}

// POST /_sim/repos {"full_name": "o/r"} or {"full_names": [...]}, with optional "org",
// "archived", "disabled", "private", "installation_id" for all of them.
SimResponse declareRepositories(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  std::vector<std::string> names =
      optStringList(body, "full_names").value_or(std::vector<std::string>{});
  if (auto one = optString(body, "full_name")) names.push_back(*one);
  if (names.empty()) throw BadInput("give full_name or full_names");
  std::vector<Repository> repositories;
  for (const auto& name : names) repositories.push_back(declared(body, name));
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  for (const auto& r : repositories) {
    ctx.state.repositories[toLower(r.fullName)] = r;
    ctx.state.repositoryId(r.fullName);
  }
  ctx.persist();
  JsonObject out = newObject();
  out->set("declared", static_cast<std::int64_t>(repositories.size()));
  return jsonResponse(201, out);
}

}  // namespace

void addRepositoryRoutes(Router& router, SimContext& ctx) {
  router.add("GET", "/installation/repositories", Access::Token,
             [&ctx](RouteContext& rc) { return installationRepositories(ctx, rc); });
  router.add("GET", "/user/repos", Access::Token,
             [&ctx](RouteContext& rc) { return userRepositories(ctx, rc); });
  router.add("GET", "/repos/{owner}/{repo}", Access::Token,
             [&ctx](RouteContext& rc) { return getRepository(ctx, rc); });
  router.add("POST", "/_sim/repos", Access::Open,
             [&ctx](RouteContext& rc) { return declareRepositories(ctx, rc); });
}

}  // namespace lxdrunner::github_sim
