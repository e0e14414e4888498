// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace lxdrunner::github_sim {

// Where runners and hooks live: a repository (repos/{owner}/{repo}) or an organisation
// (orgs/{org}). GitHub logins are case-insensitive, so keys are lowercased.
struct Scope {
  enum class Kind { Repo, Org };
  Kind kind = Kind::Repo;
  std::string owner;
  std::string repo;  // empty for Kind::Org

  static Scope forRepo(std::string owner, std::string repo);
  static Scope forOrg(std::string org);
  // Parses "repos/o/r" or "orgs/o" (as stored); throws std::invalid_argument.
  static Scope fromKey(const std::string& key);

  std::string key() const;       // "repos/o/r" or "orgs/o", lowercased: for lookups
  std::string apiPath() const;   // "repos/o/r" or "orgs/o" as spelled by the client
  std::string htmlPath() const;  // "o/r" or "o": the path of the github.com URL
  bool isOrg() const { return kind == Kind::Org; }
};

std::string toLower(std::string text);
bool equalsIgnoreCase(const std::string& a, const std::string& b);

}  // namespace lxdrunner::github_sim
