// SPDX-License-Identifier: Apache-2.0
#include "daemon/github_runner_directory.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>

#include "github/github_error.hpp"

namespace lxdrunner::daemon {

namespace {

// The reconciler must not hang on GitHub: each question gets this long, rate-limit waits
// included.
github::RequestOptions bounded() {
  github::RequestOptions options;
  options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  return options;
}

}  // namespace

bool GithubRunnerDirectory::rateLimitRoom() {
  const int64_t limit = client_.stats().rate_limit.load();
  const int64_t remaining = client_.stats().rate_remaining.load();
  if (limit <= 0 || remaining < 0) return true;
  return remaining * 2 > limit;
}

std::optional<std::vector<dispatch::RunnerState>> GithubRunnerDirectory::runners(
    const std::string& scope, std::string& error) {
  try {
    std::vector<dispatch::RunnerState> out;
    for (const auto& r : client_.listRunners(scope, bounded())) {
      out.push_back({r.id, r.name, r.status == "online", r.busy});
    }
    return out;
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

bool GithubRunnerDirectory::deleteRunner(const std::string& scope, uint64_t runner_id,
                                         std::string& error) {
  try {
    return client_.deleteRunner(scope, runner_id, bounded());
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

std::optional<dispatch::JobStatus> GithubRunnerDirectory::job(const std::string& repository,
                                                              uint64_t job_id, std::string& error) {
  try {
    auto r = client_.call("GET", "/repos/" + repository + "/actions/jobs/" + std::to_string(job_id),
                          {}, bounded());
    Poco::JSON::Parser parser;
    auto o = parser.parse(r.body).extract<Poco::JSON::Object::Ptr>();
    dispatch::JobStatus status;
    status.status = o->optValue<std::string>("status", "");
    if (o->has("conclusion") && !o->isNull("conclusion")) {
      status.conclusion = o->getValue<std::string>("conclusion");
    }
    if (o->has("runner_name") && !o->isNull("runner_name")) {
      status.runner_name = o->getValue<std::string>("runner_name");
    }
    return status;
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

std::optional<std::vector<sdk::JobEvent>> GithubRunnerDirectory::queuedJobs(
    const std::string& repository, std::string& error) {
  try {
    std::vector<sdk::JobEvent> out;
    for (uint64_t run : client_.queuedRunIds(repository, bounded())) {
      for (const auto& j : client_.runJobs(repository, run, bounded())) {
        if (j.status != "queued") continue;
        sdk::JobEvent e;
        e.action = LXDR_JOB_QUEUED;
        e.job_id = j.id;
        e.run_id = j.run_id;
        e.run_attempt = j.run_attempt;
        e.labels = j.labels;
        e.repository = repository;
        e.delivery_id = "startup-poll";
        out.push_back(std::move(e));
      }
    }
    return out;
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

}  // namespace lxdrunner::daemon
