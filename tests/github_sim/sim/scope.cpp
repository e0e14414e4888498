// SPDX-License-Identifier: Apache-2.0
#include "sim/scope.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>

namespace lxdrunner::github_sim {

std::string toLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool equalsIgnoreCase(const std::string& a, const std::string& b) {
  return toLower(a) == toLower(b);
}

Scope Scope::forRepo(std::string owner, std::string repo) {
  Scope scope;
  scope.kind = Kind::Repo;
  scope.owner = std::move(owner);
  scope.repo = std::move(repo);
  return scope;
}

Scope Scope::forOrg(std::string org) {
  Scope scope;
  scope.kind = Kind::Org;
  scope.owner = std::move(org);
  return scope;
}

Scope Scope::fromKey(const std::string& key) {
  const std::size_t first = key.find('/');
  if (first == std::string::npos) throw std::invalid_argument("bad scope: " + key);
  const std::string head = key.substr(0, first);
  const std::string rest = key.substr(first + 1);
  if (head == "orgs" && !rest.empty() && rest.find('/') == std::string::npos) {
    return forOrg(rest);
  }
  const std::size_t slash = rest.find('/');
  if (head == "repos" && slash != std::string::npos && slash > 0 && slash + 1 < rest.size()) {
    return forRepo(rest.substr(0, slash), rest.substr(slash + 1));
  }
  throw std::invalid_argument("bad scope: " + key);
}

std::string Scope::key() const {
  return toLower(apiPath());
}

std::string Scope::apiPath() const {
  return isOrg() ? "orgs/" + owner : "repos/" + owner + "/" + repo;
}

std::string Scope::htmlPath() const {
  return isOrg() ? owner : owner + "/" + repo;
}

}  // namespace lxdrunner::github_sim
