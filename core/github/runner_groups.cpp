// SPDX-License-Identifier: Apache-2.0
#include "github/runner_groups.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>

namespace lxdrunner::github {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Poco::JSON::Array::Ptr parseArray(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Array::Ptr>();
}

}  // namespace

RunnerGroups::RunnerGroups(GithubClient& client, std::chrono::seconds ttl,
                           std::function<Clock::time_point()> now)
    : client_(client), ttl_(ttl), now_(std::move(now)) {}

RunnerGroups::Clock::time_point RunnerGroups::now() const {
  return now_ ? now_() : Clock::now();
}

std::vector<RunnerGroup> RunnerGroups::parseGroups(const std::string& runner_groups_json) {
  std::vector<RunnerGroup> out;
  auto items = parseArray(runner_groups_json);
  for (size_t i = 0; items && i < items->size(); ++i) {
    auto o = items->getObject(static_cast<unsigned>(i));
    if (!o) continue;
    RunnerGroup g;
    g.id = o->optValue<Poco::UInt64>("id", 0);
    g.name = o->optValue<std::string>("name", "");
    g.visibility = o->optValue<std::string>("visibility", "all");
    g.is_default = o->optValue<bool>("default", false);
    g.allows_public_repositories = o->optValue<bool>("allows_public_repositories", true);
    if (g.id != 0) out.push_back(std::move(g));
  }
  return out;
}

std::vector<RunnerGroup> RunnerGroups::groupsOf(const std::string& org, bool fresh,
                                                RequestOptions options) {
  const std::string key = lower(org);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_.find(key);
    if (!fresh && it != groups_.end() && now() - it->second.at < ttl_) return it->second.groups;
  }
  // Outside the lock: two launches may both list; the later answer is kept.
  auto groups = parseGroups(client_.paginate("/orgs/" + org + "/actions/runner-groups?per_page=100",
                                             "runner_groups", options));
  std::lock_guard<std::mutex> lock(mu_);
  groups_[key] = Cached{now(), groups};
  return groups;
}

bool RunnerGroups::isPrivate(const std::string& repository, RequestOptions options) {
  const std::string key = lower(repository);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = private_.find(key);
    if (it != private_.end() && now() - it->second.first < ttl_) return it->second.second;
  }
  Response r = client_.call("GET", "/repos/" + repository, {}, options);
  Poco::JSON::Parser parser;
  auto o = parser.parse(r.body).extract<Poco::JSON::Object::Ptr>();
  const bool is_private = o && o->optValue<bool>("private", false);
  std::lock_guard<std::mutex> lock(mu_);
  private_[key] = {now(), is_private};
  return is_private;
}

bool RunnerGroups::allows(const std::string& org, const RunnerGroup& group,
                          const std::string& repository, RequestOptions options) {
  if (repository.empty()) return true;
  if (group.visibility == "private") return isPrivate(repository, options);
  if (group.visibility != "selected") {
    return group.allows_public_repositories || isPrivate(repository, options);
  }
  const auto key = std::make_pair(lower(org), group.id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = selected_.find(key);
    if (it != selected_.end() && now() - it->second.at < ttl_) {
      return it->second.names.count(lower(repository)) > 0;
    }
  }
  auto items =
      parseArray(client_.paginate("/orgs/" + org + "/actions/runner-groups/" +
                                      std::to_string(group.id) + "/repositories?per_page=100",
                                  "repositories", options));
  CachedSet set{now(), {}};
  for (size_t i = 0; items && i < items->size(); ++i) {
    if (auto o = items->getObject(static_cast<unsigned>(i))) {
      set.names.insert(lower(o->optValue<std::string>("full_name", "")));
    }
  }
  const bool in = set.names.count(lower(repository)) > 0;
  std::lock_guard<std::mutex> lock(mu_);
  selected_[key] = std::move(set);
  return in;
}

uint64_t RunnerGroups::resolve(const std::string& org, const std::string& name,
                               const std::string& repository, RequestOptions options) {
  const std::string wanted = lower(name);
  auto find = [&wanted](const std::vector<RunnerGroup>& groups) -> const RunnerGroup* {
    for (const auto& g : groups) {
      if (lower(g.name) == wanted) return &g;
    }
    return nullptr;
  };
  auto groups = groupsOf(org, false, options);
  const RunnerGroup* group = find(groups);
  if (group == nullptr) {
    groups = groupsOf(org, true, options);  // made since the last listing?
    group = find(groups);
  }
  const std::string what = "runner group '" + name + "' of organisation " + org;
  if (group == nullptr) {
    std::string known;
    for (const auto& g : groups) known += (known.empty() ? "" : ", ") + g.name;
    throw GithubError(GithubError::Kind::NotFound, 0,
                      "no such group (the organisation has: " + known +
                          "); create it on GitHub or fix runner_group in the runnermap",
                      what);
  }
  if (!allows(org, *group, repository, options)) {
    const std::string why =
        group->visibility == "selected"
            ? "its repository access is \"selected\" and " + repository + " is not among them"
        : group->visibility == "private"
            ? "it is for private repositories only and " + repository + " is public"
            : "it does not allow public repositories and " + repository + " is public";
    throw GithubError(GithubError::Kind::Forbidden, 0,
                      why + ": add the repository to the group on GitHub or use another group",
                      what);
  }
  return group->id;
}

}  // namespace lxdrunner::github
