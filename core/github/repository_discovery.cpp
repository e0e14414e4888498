// SPDX-License-Identifier: Apache-2.0
#include "github/repository_discovery.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <set>

namespace lxdrunner::github {
namespace {

constexpr int kMaxPages = 1000;  // 100,000 repositories

bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  return o->has(key) && !o->isNull(key) && o->get(key).isBoolean() && o->getValue<bool>(key);
}

}  // namespace

RepositoryDiscovery::RepositoryDiscovery(GithubClient& client, DiscoverySettings settings)
    : client_(client), settings_(std::move(settings)) {}

std::chrono::steady_clock::time_point RepositoryDiscovery::now() const {
  return settings_.now ? settings_.now() : std::chrono::steady_clock::now();
}

void RepositoryDiscovery::log(bool warning, const std::string& line) const {
  if (settings_.log) {
    settings_.log(warning, line);
    return;
  }
  auto& logger = Poco::Logger::get("github");
  if (warning) {
    logger.warning(line);
  } else {
    logger.information(line);
  }
}

std::string RepositoryDiscovery::firstPage(bool app) {
  return app ? "/installation/repositories?per_page=100"
             : "/user/repos?per_page=100&affiliation=owner,collaborator,organization_member";
}

std::vector<std::string> RepositoryDiscovery::parsePage(const std::string& body, bool app) {
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var parsed = parser.parse(body);
  Poco::JSON::Array::Ptr items;
  if (app) {
    auto obj = parsed.extract<Poco::JSON::Object::Ptr>();
    if (obj) items = obj->getArray("repositories");
  } else {
    items = parsed.extract<Poco::JSON::Array::Ptr>();
  }
  std::vector<std::string> out;
  for (size_t i = 0; items && i < items->size(); ++i) {
    auto repo = items->getObject(static_cast<unsigned>(i));
    if (!repo || !repo->has("full_name") || repo->isNull("full_name")) continue;
    if (flag(repo, "archived") || flag(repo, "disabled")) continue;
    std::string name = repo->getValue<std::string>("full_name");
    if (name.find('/') == std::string::npos) continue;
    out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> RepositoryDiscovery::list() {
  const bool app = client_.usesApp();
  RequestOptions options;
  options.deadline = std::chrono::steady_clock::now() + settings_.request_deadline;
  std::set<std::string> found;
  std::string next = firstPage(app);
  for (int page = 0; !next.empty() && page < kMaxPages; ++page) {
    Response r = client_.call("GET", next, {}, options);
    try {
      for (auto& name : parsePage(r.body, app)) found.insert(std::move(name));
    } catch (const std::exception& e) {
      throw GithubError(GithubError::Kind::Invalid, r.status,
                        std::string("the answer is not a repository list: ") + e.what(),
                        "GitHub GET " + next);
    }
    next = r.next_path;
  }
  return {found.begin(), found.end()};
}

std::vector<std::string> RepositoryDiscovery::repositories() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now() < next_refresh_) return cache_.value_or(std::vector<std::string>{});
  }
  std::lock_guard<std::mutex> single(refresh_mu_);
  {
    // Another caller may have refreshed while this one waited.
    std::lock_guard<std::mutex> lock(mu_);
    if (now() < next_refresh_) return cache_.value_or(std::vector<std::string>{});
  }
  const char* what = client_.usesApp() ? "the GitHub App installation's repositories"
                                       : "the repositories the PAT's user can reach";
  try {
    auto found = list();
    bool recovered = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++refreshes_;
      recovered = failing_;
      failing_ = false;
      last_error_.clear();
      cache_ = found;
      next_refresh_ = now() + settings_.refresh_interval;
    }
    if (recovered) {
      log(false, std::string("repository discovery: listed ") + what +
                     " again: " + std::to_string(found.size()) + " repositories");
    }
    return found;
  } catch (const std::exception& e) {
    std::vector<std::string> kept;
    bool first_failure = false;
    size_t kept_count = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++refreshes_;
      first_failure = !failing_;
      failing_ = true;
      last_error_ = e.what();
      next_refresh_ = now() + settings_.retry_interval;
      kept = cache_.value_or(std::vector<std::string>{});
      kept_count = kept.size();
    }
    // One line when it starts failing; the next attempts stay quiet until one succeeds.
    if (first_failure) {
      log(true, std::string("repository discovery: could not list ") + what + ": " + e.what() +
                    "; keeping the last list (" + std::to_string(kept_count) +
                    " repositories), trying again every " +
                    std::to_string(settings_.retry_interval.count()) + " s");
    }
    return kept;
  }
}

std::optional<std::vector<std::string>> RepositoryDiscovery::cached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_;
}

std::string RepositoryDiscovery::lastError() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

uint64_t RepositoryDiscovery::refreshes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refreshes_;
}

}  // namespace lxdrunner::github
