// SPDX-License-Identifier: Apache-2.0
#include "sim/github_objects.hpp"

#include "sim/base64.hpp"

namespace lxdrunner::github_sim {
namespace {

// A fixed creation date: the simulator's repositories have no history worth modelling.
const char* const kRepoCreatedAt = "2019-05-15T15:19:25Z";

// "{owner}/{repo}" style suffixes of repository URLs, in GitHub's field order.
const char* const kRepositoryUrlFields[][2] = {
    {"forks_url", "/forks"},
    {"keys_url", "/keys{/key_id}"},
    {"collaborators_url", "/collaborators{/collaborator}"},
    {"teams_url", "/teams"},
    {"hooks_url", "/hooks"},
    {"issue_events_url", "/issues/events{/number}"},
    {"events_url", "/events"},
    {"assignees_url", "/assignees{/user}"},
    {"branches_url", "/branches{/branch}"},
    {"tags_url", "/tags"},
    {"blobs_url", "/git/blobs{/sha}"},
    {"git_tags_url", "/git/tags{/sha}"},
    {"git_refs_url", "/git/refs{/sha}"},
    {"trees_url", "/git/trees{/sha}"},
    {"statuses_url", "/statuses/{sha}"},
    {"languages_url", "/languages"},
    {"stargazers_url", "/stargazers"},
    {"contributors_url", "/contributors"},
    {"subscribers_url", "/subscribers"},
    {"subscription_url", "/subscription"},
    {"commits_url", "/commits{/sha}"},
    {"git_commits_url", "/git/commits{/sha}"},
    {"comments_url", "/comments{/number}"},
    {"issue_comment_url", "/issues/comments{/number}"},
    {"contents_url", "/contents/{+path}"},
    {"compare_url", "/compare/{base}...{head}"},
    {"merges_url", "/merges"},
    {"archive_url", "/{archive_format}{/ref}"},
    {"downloads_url", "/downloads"},
    {"issues_url", "/issues{/number}"},
    {"pulls_url", "/pulls{/number}"},
    {"milestones_url", "/milestones{/number}"},
    {"notifications_url", "/notifications{?since,all,participating}"},
    {"labels_url", "/labels{/name}"},
    {"releases_url", "/releases{/id}"},
    {"deployments_url", "/deployments"},
};

std::string hostOf(const std::string& url) {
  const std::size_t scheme = url.find("://");
  return scheme == std::string::npos ? url : url.substr(scheme + 3);
}

}  // namespace

std::string nodeId(const std::string& typeName, std::int64_t id) {
  const std::string inner = typeName + std::to_string(id);
  return base64Encode("0" + std::to_string(typeName.size()) + ":" + inner);
}

JsonObject accountJson(SimState& state, const std::string& login, const std::string& type,
                       const SiteUrls& urls) {
  const std::int64_t id = state.accountId(login);
  const std::string user = urls.api + "/users/" + login;
  JsonObject out = newObject();
  out->set("login", login);
  out->set("id", id);
  out->set("node_id", nodeId(type == "Organization" ? "Organization" : "User", id));
  out->set("avatar_url", urls.html + "/avatars/u/" + std::to_string(id) + "?v=4");
  out->set("gravatar_id", "");
  out->set("url", user);
  out->set("html_url", urls.html + "/" + login);
  out->set("followers_url", user + "/followers");
  out->set("following_url", user + "/following{/other_user}");
  out->set("gists_url", user + "/gists{/gist_id}");
  out->set("starred_url", user + "/starred{/owner}{/repo}");
  out->set("subscriptions_url", user + "/subscriptions");
  out->set("organizations_url", user + "/orgs");
  out->set("repos_url", user + "/repos");
  out->set("events_url", user + "/events{/privacy}");
  out->set("received_events_url", user + "/received_events");
  out->set("type", type);
  out->set("site_admin", false);
  return out;
}

JsonObject organizationJson(SimState& state, const std::string& login, const SiteUrls& urls) {
  const std::int64_t id = state.accountId(login);
  const std::string org = urls.api + "/orgs/" + login;
  JsonObject out = newObject();
  out->set("login", login);
  out->set("id", id);
  out->set("node_id", nodeId("Organization", id));
  out->set("url", org);
  out->set("repos_url", org + "/repos");
  out->set("events_url", org + "/events");
  out->set("hooks_url", org + "/hooks");
  out->set("issues_url", org + "/issues");
  out->set("members_url", org + "/members{/member}");
  out->set("public_members_url", org + "/public_members{/member}");
  out->set("avatar_url", urls.html + "/avatars/u/" + std::to_string(id) + "?v=4");
  out->set("description", "");
  return out;
}

JsonObject repositoryJson(SimState& state, const std::string& fullName, bool orgOwned,
                          const SiteUrls& urls) {
  const std::string owner = fullName.substr(0, fullName.find('/'));
  const std::string name = fullName.substr(fullName.find('/') + 1);
  const std::int64_t id = state.repositoryId(fullName);
  const std::string api = urls.api + "/repos/" + fullName;
  const std::string html = urls.html + "/" + fullName;
  const Poco::Dynamic::Var null;

  JsonObject out = newObject();
  out->set("id", id);
  out->set("node_id", nodeId("Repository", id));
  out->set("name", name);
  out->set("full_name", fullName);
  out->set("private", false);
  out->set("owner", accountJson(state, owner, orgOwned ? "Organization" : "User", urls));
  out->set("html_url", html);
  out->set("description", null);
  out->set("fork", false);
  out->set("url", api);
  for (const auto& field : kRepositoryUrlFields) out->set(field[0], api + field[1]);
  out->set("created_at", kRepoCreatedAt);
  out->set("updated_at", kRepoCreatedAt);
  out->set("pushed_at", kRepoCreatedAt);
  out->set("git_url", "git://" + hostOf(urls.html) + "/" + fullName + ".git");
  out->set("ssh_url", "git@" + hostOf(urls.html) + ":" + fullName + ".git");
  out->set("clone_url", html + ".git");
  out->set("svn_url", html);
  out->set("homepage", null);
  out->set("size", 0);
  out->set("stargazers_count", 0);
  out->set("watchers_count", 0);
  out->set("language", null);
  out->set("has_issues", true);
  out->set("has_projects", true);
  out->set("has_downloads", true);
  out->set("has_wiki", true);
  out->set("has_pages", true);
  out->set("forks_count", 0);
  out->set("mirror_url", null);
  out->set("archived", false);
  out->set("disabled", false);
  out->set("open_issues_count", 0);
  out->set("license", null);
  out->set("forks", 0);
  out->set("open_issues", 0);
  out->set("watchers", 0);
  out->set("default_branch", "main");
  out->set("is_template", false);
  out->set("topics", newArray());
  out->set("visibility", "public");
  out->set("web_commit_signoff_required", false);
  out->set("custom_properties", newObject());
  return out;
}

JsonObject minimalRepositoryJson(SimState& state, const std::string& fullName, bool orgOwned,
                                 const SiteUrls& urls) {
  const std::string owner = fullName.substr(0, fullName.find('/'));
  const std::int64_t id = state.repositoryId(fullName);
  JsonObject out = newObject();
  out->set("id", id);
  out->set("node_id", nodeId("Repository", id));
  out->set("name", fullName.substr(fullName.find('/') + 1));
  out->set("full_name", fullName);
  out->set("private", false);
  out->set("owner", accountJson(state, owner, orgOwned ? "Organization" : "User", urls));
  out->set("html_url", urls.html + "/" + fullName);
  out->set("url", urls.api + "/repos/" + fullName);
  return out;
}

JsonObject installationJson(std::int64_t installationId) {
  JsonObject out = newObject();
  out->set("id", installationId);
  out->set("node_id", nodeId("IntegrationInstallation", installationId));
  return out;
}

}  // namespace lxdrunner::github_sim
