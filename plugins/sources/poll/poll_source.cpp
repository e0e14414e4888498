// SPDX-License-Identifier: Apache-2.0
#include "poll_source.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <optional>

namespace lxdrunner::poll {
namespace {

constexpr size_t kRememberedJobs = 100000;
constexpr int kMaxPages = 10;  // 1,000 queued runs: GitHub's own cap for this listing

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

uint64_t u64(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return 0;
  return o->get(key).convert<Poco::UInt64>();
}

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return {};
  return o->get(key).toString();
}

}  // namespace

PollSettings parsePollSettings(const std::string& config_json) {
  PollSettings s;
  Poco::JSON::Object::Ptr c;
  try {
    c = parseObject(config_json.empty() ? "{}" : config_json);
  } catch (const std::exception& e) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT, std::string("poll settings: ") + e.what());
  }
  auto fail = [](const std::string& what) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT, "event_sources.poll." + what);
  };
  if (!c->has("repositories") || c->isNull("repositories") ||
      (c->get("repositories").isString() && c->getValue<std::string>("repositories") == "auto")) {
    s.discover = true;
  } else if (auto repos = c->getArray("repositories")) {
    for (size_t i = 0; i < repos->size(); ++i) {
      std::string r = repos->get(static_cast<unsigned>(i)).toString();
      size_t slash = r.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == r.size() ||
          r.find('/', slash + 1) != std::string::npos) {
        fail("repositories: '" + r + "' is not OWNER/NAME");
      }
      s.repositories.push_back(r);
    }
    if (s.repositories.empty()) {
      fail(
          "repositories: list at least one OWNER/NAME to poll, or write auto to poll the "
          "repositories the credentials reach");
    }
  } else {
    fail("repositories: a list of OWNER/NAME, or auto");
  }
  if (c->has("interval")) s.interval_s = c->getValue<int>("interval");
  if (s.interval_s < 5) fail("interval: at least 5 seconds");
  if (c->has("rate_limit_share")) s.rate_limit_share = c->getValue<double>("rate_limit_share");
  if (!(s.rate_limit_share > 0.0 && s.rate_limit_share <= 1.0)) {
    fail("rate_limit_share: a fraction in (0, 1]");
  }
  if (c->has("redeliver_failed")) s.redeliver_failed = c->getValue<bool>("redeliver_failed");
  s.hook = str(c, "hook");
  if (s.redeliver_failed && s.hook.empty()) {
    fail(
        "hook: redeliver_failed needs the hook: app/hook, repos/OWNER/NAME/hooks/ID or "
        "orgs/ORG/hooks/ID");
  }
  return s;
}

PollSource::PollSource(sdk::Host host, std::string config_json)
    : EventSource(std::move(host), std::move(config_json)),
      settings_(parsePollSettings(configJson())) {}

PollSource::~PollSource() {
  stop();
}

void PollSource::start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  worker_ = std::thread([this] {
    for (;;) {
      try {
        int n = pollOnce();
        if (n > 0) host().info("poll: queued " + std::to_string(n) + " job(s) the webhook missed");
      } catch (const std::exception& e) {
        host().warning(std::string("poll: round failed: ") + e.what());
      }
      std::unique_lock<std::mutex> lock(mu_);
      if (wake_.wait_for(lock, std::chrono::seconds(settings_.interval_s),
                         [this] { return stopping_; })) {
        return;
      }
    }
  });
}

void PollSource::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

bool PollSource::withinBudget(const sdk::GithubResponse& r) {
  if (r.rate_limit_limit <= 0 || r.rate_limit_remaining < 0) return true;
  // Keep (1 - share) of the whole limit for everything else the daemon does.
  double reserve = static_cast<double>(r.rate_limit_limit) * (1.0 - settings_.rate_limit_share);
  return static_cast<double>(r.rate_limit_remaining) > reserve;
}

std::vector<std::string> PollSource::getPages(const std::string& path, int64_t deadline) {
  std::vector<std::string> pages;
  std::string next = path;
  for (int page = 0; !next.empty() && page < kMaxPages; ++page) {
    host().checkpoint(deadline, "poll");
    sdk::GithubResponse r = host().github("GET", next, {}, deadline);
    if (r.status != 200) {
      throw sdk::Error(LXDR_ERR_TRANSIENT, "GET " + next + ": HTTP " + std::to_string(r.status) +
                                               ": " + r.body.substr(0, 200));
    }
    pages.push_back(std::move(r.body));
    if (!withinBudget(r)) {
      over_budget_ = true;
      break;
    }
    next = r.next_path;
  }
  return pages;
}

bool PollSource::alreadyEmitted(uint64_t job_id) {
  if (emitted_.count(job_id) != 0) return true;
  emitted_.insert(job_id);
  emitted_order_.push_back(job_id);
  if (emitted_order_.size() > kRememberedJobs) {
    emitted_.erase(emitted_order_.front());
    emitted_order_.pop_front();
  }
  return false;
}

int PollSource::pollRepository(const std::string& repo, int64_t deadline) {
  int emitted = 0;
  std::vector<uint64_t> runs;
  for (const auto& body :
       getPages("/repos/" + repo + "/actions/runs?status=queued&per_page=100", deadline)) {
    auto list = parseObject(body)->getArray("workflow_runs");
    for (size_t i = 0; list && i < list->size(); ++i)
      runs.push_back(u64(list->getObject(static_cast<unsigned>(i)), "id"));
  }
  for (uint64_t run : runs) {
    if (over_budget_) break;
    for (const auto& body : getPages("/repos/" + repo + "/actions/runs/" + std::to_string(run) +
                                         "/jobs?filter=latest&per_page=100",
                                     deadline)) {
      auto jobs = parseObject(body)->getArray("jobs");
      for (size_t i = 0; jobs && i < jobs->size(); ++i) {
        auto j = jobs->getObject(static_cast<unsigned>(i));
        if (str(j, "status") != "queued") continue;
        uint64_t id = u64(j, "id");
        if (id == 0 || alreadyEmitted(id)) continue;
        sdk::JobEvent e;
        e.action = LXDR_JOB_QUEUED;
        e.job_id = id;
        e.run_id = u64(j, "run_id");
        e.run_attempt = static_cast<uint32_t>(u64(j, "run_attempt"));
        e.workflow_name = str(j, "workflow_name");
        e.job_name = str(j, "name");
        e.head_branch = str(j, "head_branch");
        e.repository = repo;
        e.delivery_id = "poll:" + std::to_string(id);
        if (auto labels = j->getArray("labels")) {
          for (size_t k = 0; k < labels->size(); ++k)
            e.labels.push_back(labels->get(static_cast<unsigned>(k)).toString());
        }
        try {
          host().emit(e);
          ++emitted;
        } catch (const sdk::Error& err) {
          if (err.status() != LXDR_ERR_NOT_FOUND) {
            emitted_.erase(id);  // not accepted: try again next round
            throw;
          }
        }
      }
    }
  }
  return emitted;
}

void PollSource::redeliverFailed(int64_t deadline) {
  for (const auto& body : getPages("/" + settings_.hook + "/deliveries?per_page=100", deadline)) {
    Poco::JSON::Parser parser;
    auto list = parser.parse(body).extract<Poco::JSON::Array::Ptr>();
    for (size_t i = 0; list && i < list->size(); ++i) {
      auto d = list->getObject(static_cast<unsigned>(i));
      uint64_t id = u64(d, "id");
      int code = static_cast<int>(u64(d, "status_code"));
      bool redelivery = d->has("redelivery") && d->getValue<bool>("redelivery");
      if (str(d, "event") != "workflow_job" || (code >= 200 && code < 300) || redelivery) continue;
      if (!redelivered_.insert(id).second) continue;
      auto r = host().github(
          "POST", "/" + settings_.hook + "/deliveries/" + std::to_string(id) + "/attempts", {},
          deadline);
      if (r.status == 202 || r.status == 200) {
        host().info("poll: asked GitHub to redeliver failed delivery " + str(d, "guid"));
      } else {
        host().warning("poll: redelivery of " + str(d, "guid") + " failed: HTTP " +
                       std::to_string(r.status));
      }
    }
  }
}

std::vector<std::string> PollSource::repositories() {
  if (!settings_.discover) return settings_.repositories;
  std::optional<std::string> json;
  try {
    json = host().config(kDiscoveredRepositoriesKey);
  } catch (const sdk::Error& e) {
    throw sdk::Error(
        LXDR_ERR_TRANSIENT,
        std::string("repositories: auto: the daemon's repository discovery failed: ") + e.what());
  }
  if (!json) {
    throw sdk::Error(
        LXDR_ERR_UNSUPPORTED,
        "repositories: auto needs an lxdrunner that discovers repositories (host key " +
            std::string(kDiscoveredRepositoriesKey) +
            "); list event_sources.poll.repositories instead");
  }
  std::vector<std::string> out;
  Poco::JSON::Parser parser;
  auto list = parser.parse(*json).extract<Poco::JSON::Array::Ptr>();
  for (size_t i = 0; list && i < list->size(); ++i) {
    std::string r = list->get(static_cast<unsigned>(i)).toString();
    if (r.find('/') != std::string::npos) out.push_back(std::move(r));
  }
  if (out.size() != discovered_count_) {
    discovered_count_ = out.size();
    host().info("poll: watching " + std::to_string(out.size()) + " discovered repositor" +
                (out.size() == 1 ? "y" : "ies"));
  }
  return out;
}

int PollSource::pollOnce() {
  over_budget_ = false;
  const int64_t deadline = host().deadlineIn(std::chrono::seconds(settings_.interval_s));
  int emitted = 0;
  size_t failed = 0;
  std::string first_error;
  for (const auto& repo : repositories()) {
    if (over_budget_) break;
    if (!settings_.discover) {
      emitted += pollRepository(repo, deadline);
      continue;
    }
    // A discovered repository GitHub will not answer about (Actions disabled, access
    // narrowed since the listing) must not keep the others from being polled.
    try {
      emitted += pollRepository(repo, deadline);
    } catch (const sdk::Error& e) {
      if (e.status() == LXDR_ERR_CANCELLED || e.status() == LXDR_ERR_TIMEOUT) throw;
      if (failed++ == 0) first_error = repo + ": " + e.what();
    }
  }
  if (failed > 0) {
    host().warning("poll: " + std::to_string(failed) + " discovered repositor" +
                   (failed == 1 ? "y" : "ies") + " could not be polled this round (" + first_error +
                   ")");
  }
  if (settings_.redeliver_failed && !over_budget_) redeliverFailed(deadline);
  if (over_budget_) {
    host().warning("poll: stopped this round early to stay within " +
                   std::to_string(static_cast<int>(settings_.rate_limit_share * 100)) +
                   "% of the GitHub rate limit");
  }
  return emitted;
}

}  // namespace lxdrunner::poll

LXDRUNNER_PLUGINS(lxdrunner::poll::PollSource);
