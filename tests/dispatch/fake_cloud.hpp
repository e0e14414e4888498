// SPDX-License-Identifier: Apache-2.0
// In-memory stand-ins for LXD (FakeExecutor) and GitHub (FakeGithub) that behave like the
// real ones where the dispatcher cares: instances hold slots until destroyed; GitHub hands a
// queued job to ANY idle runner whose labels fit (oldest job first), not to the runner
// launched for it; an ephemeral runner unregisters after its job.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dispatch/dispatcher.hpp"
#include "dispatch/executor.hpp"
#include "dispatch/registration_scope.hpp"
#include "dispatch/runner_directory.hpp"
#include "jobs/runner_matcher.hpp"

namespace lxdrunner::dispatch::test {

inline int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Where the fakes keep a runner: "owner/name" for a repository scope, "orgs/ORG" else.
inline std::string placeOf(const std::string& scope) {
  return scope.compare(0, 6, "repos/") == 0 ? scope.substr(6) : scope;
}
inline std::string placeOf(const config::RunnerEntry& entry, const jobs::JobRecord& job) {
  return placeOf(registrationScope(entry.runner_scope, job.repository, job.organization));
}

class FakeGithub final : public RunnerDirectory {
 public:
  struct Job {
    uint64_t id = 0;
    std::string repository;
    std::string organization;
    std::vector<std::string> labels;
    std::string status = "queued";
    std::string conclusion;
    std::string runner;
  };
  struct Runner {
    uint64_t id = 0;
    std::string name;
    std::string repository;  // "owner/name", or "orgs/ORG" for an organisation runner
    std::vector<std::string> labels;
    bool online = true;
    bool busy = false;
  };

  Dispatcher* dispatcher = nullptr;
  bool reachable = true;
  // Runs as a runner listing starts, outside the fake's lock: a test makes GitHub slow by
  // blocking here. Set it before anything lists.
  std::function<void(const std::string& repository)> on_listing;
  // Runs as a runner deletion starts, outside the lock: a runner can take a job right then.
  std::function<void()> on_delete;
  // What startupRepositories() answers (the poll source's list or the discovered ones), and
  // whether the rate limit has room for scanning them.
  std::vector<std::string> startup_repositories;
  std::atomic<bool> rate_limit_room{true};

  events::InboxEvent queue(uint64_t id, std::vector<std::string> labels,
                           const std::string& repository = "octo/repo",
                           const std::string& organization = "") {
    std::lock_guard<std::mutex> lock(mu_);
    Job job;
    job.id = id;
    job.repository = repository;
    job.organization = organization;
    job.labels = labels;
    jobs_[id] = job;
    order_.push_back(id);
    events::InboxEvent e;
    e.source = "webhook";
    e.event.action = LXDR_JOB_QUEUED;
    e.event.job_id = id;
    e.event.run_id = id;
    e.event.labels = std::move(labels);
    e.event.repository = repository;
    e.event.organization = organization;
    return e;
  }

  void registerRunner(const std::string& name, const std::vector<std::string>& labels,
                      const std::string& repository) {
    std::lock_guard<std::mutex> lock(mu_);
    Runner r;
    r.id = ++next_runner_id_;
    r.name = name;
    r.repository = repository;
    r.labels = jobs::normalizeLabels(labels);
    runners_[name] = r;
  }
  void runnerOffline(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runners_.find(name);
    if (it != runners_.end()) it->second.online = false;
  }
  void runnerOnline(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runners_.find(name);
    if (it != runners_.end()) it->second.online = true;
  }

  // GitHub's side of the work: each idle online runner takes the oldest queued job whose
  // labels it has. Sends in_progress to the dispatcher. Returns how many were assigned.
  size_t assign() {
    std::vector<events::InboxEvent> sent;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [name, runner] : runners_) {
        if (!runner.online || runner.busy) continue;
        for (uint64_t id : order_) {
          Job& job = jobs_[id];
          const bool covers =
              job.repository == runner.repository ||
              (!job.organization.empty() && runner.repository == "orgs/" + job.organization);
          if (job.status != "queued" || !covers) continue;
          const auto wanted = jobs::normalizeLabels(job.labels);
          if (!std::includes(runner.labels.begin(), runner.labels.end(), wanted.begin(),
                             wanted.end())) {
            continue;
          }
          job.status = "in_progress";
          job.runner = name;
          runner.busy = true;
          sent.push_back(event(job, LXDR_JOB_IN_PROGRESS));
          break;
        }
      }
    }
    if (dispatcher != nullptr) {
      for (const auto& e : sent) dispatcher->handle(e);
    }
    return sent.size();
  }

  // Finishes every job in progress; ephemeral runners unregister.
  size_t completeRunning() {
    std::vector<events::InboxEvent> sent;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [id, job] : jobs_) {
        if (job.status != "in_progress") continue;
        job.status = "completed";
        job.conclusion = "success";
        runners_.erase(job.runner);
        ++served_[id];
        sent.push_back(event(job, LXDR_JOB_COMPLETED));
      }
    }
    if (dispatcher != nullptr) {
      for (const auto& e : sent) dispatcher->handle(e);
    }
    return sent.size();
  }

  void cancel(uint64_t id) {
    events::InboxEvent e;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Job& job = jobs_[id];
      job.status = "completed";
      job.conclusion = "cancelled";
      e = event(job, LXDR_JOB_COMPLETED);
    }
    dispatcher->handle(e);
  }

  bool allCompleted() const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, job] : jobs_) {
      if (job.status != "completed") return false;
    }
    return true;
  }
  std::map<uint64_t, int> served() const {
    std::lock_guard<std::mutex> lock(mu_);
    return served_;
  }
  size_t runnerCount() const {
    std::lock_guard<std::mutex> lock(mu_);
    return runners_.size();
  }
  bool hasRunner(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    return runners_.count(name) > 0;
  }
  size_t deletes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return deletes_;
  }
  // Every RunnerDirectory call (what costs GitHub rate limit), and the listings per repository.
  size_t calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::map<std::string, int> listings() const {
    std::lock_guard<std::mutex> lock(mu_);
    return listings_;
  }

  // RunnerDirectory
  // `scope` is "repos/OWNER/REPO" or "orgs/ORG"; listings and on_listing name a repository
  // scope by its repository ("octo/repo").
  std::optional<std::vector<RunnerState>> runners(const std::string& scope,
                                                  std::string& error) override {
    const std::string repository = placeOf(scope);
    if (on_listing) on_listing(repository);
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    ++listings_[repository];
    if (!reachable) {
      error = "GitHub unreachable (test)";
      return std::nullopt;
    }
    std::vector<RunnerState> out;
    for (const auto& [name, r] : runners_) {
      if (r.repository == repository) out.push_back({r.id, r.name, r.online, r.busy});
    }
    return out;
  }
  bool deleteRunner(const std::string&, uint64_t runner_id, std::string& error) override {
    if (on_delete) on_delete();
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    if (!reachable) {
      error = "GitHub unreachable (test)";
      return false;
    }
    for (auto it = runners_.begin(); it != runners_.end(); ++it) {
      if (it->second.id == runner_id) {
        if (it->second.busy) {  // as GitHub answers: 422
          error = "GitHub delete runner: HTTP 422: Runner \"" + it->second.name +
                  "\" is still running a job";
          return false;
        }
        runners_.erase(it);
        ++deletes_;
        return true;
      }
    }
    return false;
  }
  std::optional<JobStatus> job(const std::string&, uint64_t job_id, std::string& error) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    if (!reachable) {
      error = "GitHub unreachable (test)";
      return std::nullopt;
    }
    auto it = jobs_.find(job_id);
    if (it == jobs_.end()) {
      error = "404";
      return std::nullopt;
    }
    return JobStatus{it->second.status, it->second.conclusion, it->second.runner};
  }
  std::vector<std::string> startupRepositories() override { return startup_repositories; }
  bool rateLimitRoom() override { return rate_limit_room.load(); }
  // Queued-jobs look-ups made, by repository.
  std::map<std::string, int> queuedLookups() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queued_lookups_;
  }
  std::optional<std::vector<sdk::JobEvent>> queuedJobs(const std::string& repository,
                                                       std::string&) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    ++queued_lookups_[repository];
    std::vector<sdk::JobEvent> out;
    for (uint64_t id : order_) {
      const Job& job = jobs_[id];
      if (job.status == "queued" && job.repository == repository) {
        out.push_back(event(job, LXDR_JOB_QUEUED).event);
      }
    }
    return out;
  }

 private:
  static events::InboxEvent event(const Job& job, lxdr_job_action action) {
    events::InboxEvent e;
    e.source = "webhook";
    e.event.action = action;
    e.event.job_id = job.id;
    e.event.labels = job.labels;
    e.event.repository = job.repository;
    e.event.organization = job.organization;
    e.event.runner_name = job.runner;
    e.event.conclusion = job.conclusion;
    return e;
  }

  mutable std::mutex mu_;
  std::map<uint64_t, Job> jobs_;
  std::vector<uint64_t> order_;
  std::map<std::string, Runner> runners_;
  std::map<uint64_t, int> served_;
  uint64_t next_runner_id_ = 0;
  size_t deletes_ = 0;
  size_t calls_ = 0;
  std::map<std::string, int> listings_;
  std::map<std::string, int> queued_lookups_;
};

class FakeExecutor final : public Executor {
 public:
  FakeGithub* github = nullptr;
  // Per-instance scripted results, consumed in order; default success.
  std::function<StepResult(const std::string& instance, const config::RunnerEntry& entry)>
      on_launch;
  std::function<StepResult(const std::string& instance)> on_provision;
  // Warm pools: whether the provisioner has prepare/start (an ABI 1.0 one has not), hooks,
  // and the fingerprint the entry's image alias points at.
  bool phases = true;
  std::function<StepResult(const std::string& instance)> on_prepare;
  std::function<StepResult(const std::string& instance)> on_start;
  std::string image = "img-1";

  StepResult launch(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                    const std::string& instance, Deadline) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return held_.count(entry.name) == 0; });
      ++launches_;
      launched_for_.push_back(job.job_id);
    }
    StepResult r = on_launch ? on_launch(instance, entry) : StepResult{};
    if (!r.ok()) return r;
    std::lock_guard<std::mutex> lock(mu_);
    InstanceInfo info;
    info.name = instance;
    info.remote = "main";
    info.entry = entry.name;
    info.status = "running";
    info.job_id = job.job_id;
    info.created_ms = wallMs();
    // A device with the same settings on two live instances is one host device shared.
    for (const auto& [other, devices] : devices_) {
      if (live_.count(other) == 0) continue;
      for (const auto& [name, settings] : entry.devices) {
        auto it = devices.find(name);
        if (it != devices.end() && it->second == settings) ++device_conflicts_;
      }
    }
    info.devices = entry.devices;
    live_[instance] = info;
    devices_[instance] = entry.devices;
    max_live_ = std::max(max_live_, live_.size());
    r.remote = "main";
    return r;
  }
  StepResult provision(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                       const std::string& instance, const std::string&, Deadline) override {
    StepResult r = on_provision ? on_provision(instance) : StepResult{};
    if (r.ok() && github != nullptr)
      github->registerRunner(instance, entry.labels, placeOf(entry, job));
    r.log = "provisioned " + instance + "\n";
    return r;
  }
  StepResult destroy(const std::string&, const std::string& instance, const std::string&,
                     Deadline) override {
    std::lock_guard<std::mutex> lock(mu_);
    live_.erase(instance);
    frozen_.erase(instance);
    ++destroys_;
    return {};
  }
  bool canPrepare(const config::RunnerEntry&) const override { return phases; }
  StepResult prepare(const config::RunnerEntry&, const std::string& instance, const std::string&,
                     Deadline) override {
    StepResult r = on_prepare ? on_prepare(instance) : StepResult{};
    std::lock_guard<std::mutex> lock(mu_);
    if (r.ok()) prepared_.insert(instance);
    ++prepares_;
    r.log = "prepared " + instance + "\n";
    return r;
  }
  StepResult start(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                   const std::string& instance, const std::string&, Deadline) override {
    StepResult r = on_start ? on_start(instance) : StepResult{};
    {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back("start " + instance);
      ++starts_;
      if (prepared_.count(instance) == 0) {
        r.status = LXDR_ERR_INTERNAL;
        r.error = "start on an instance that was not prepared";
      }
      if (frozen_.count(instance)) {
        r.status = LXDR_ERR_INTERNAL;
        r.error = "start on a frozen instance";
      }
    }
    if (r.ok() && github != nullptr)
      github->registerRunner(instance, entry.labels, placeOf(entry, job));
    r.log += "started " + instance + "\n";
    return r;
  }
  StepResult setFrozen(const std::string&, const std::string& instance, const std::string&,
                       bool frozen, Deadline) override {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::string(frozen ? "freeze " : "thaw ") + instance);
    if (frozen) {
      frozen_.insert(instance);
    } else {
      frozen_.erase(instance);
    }
    return {};
  }
  // Hot-plug: the device joins what devicesOf() reports; a device a live instance has
  // already counts as a conflict, as at launch.
  StepResult attachDevice(const std::string&, const std::string& instance, const std::string&,
                          const std::string& name, const std::map<std::string, std::string>& device,
                          Deadline) override {
    StepResult r = on_attach ? on_attach(instance, name) : StepResult{};
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back("attach " + instance + " " + name);
    if (!r.ok()) return r;
    if (live_.count(instance) == 0)
      return {LXDR_ERR_NOT_FOUND, "no instance " + instance, {}, {}, {}};
    for (const auto& [other, devices] : devices_) {
      if (other == instance || live_.count(other) == 0) continue;
      auto it = devices.find(name);
      if (it != devices.end() && it->second == device) ++device_conflicts_;
    }
    devices_[instance][name] = device;
    return r;
  }
  std::function<StepResult(const std::string& instance, const std::string& device)> on_attach;
  StepResult imageFingerprint(const config::RunnerEntry&, Deadline) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++image_lookups_;
    StepResult r;
    r.image = image;
    return r;
  }
  void setImage(const std::string& fingerprint) {
    std::lock_guard<std::mutex> lock(mu_);
    image = fingerprint;
  }
  size_t prepares() const {
    std::lock_guard<std::mutex> lock(mu_);
    return prepares_;
  }
  size_t starts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return starts_;
  }
  size_t destroys() const {
    std::lock_guard<std::mutex> lock(mu_);
    return destroys_;
  }
  bool isFrozen(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    return frozen_.count(name) > 0;
  }
  std::vector<std::string> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  StepResult list(const std::string&, std::vector<InstanceInfo>& out, Deadline) override {
    if (list_fails) {
      StepResult r;
      r.status = LXDR_ERR_TRANSIENT;
      r.error = "fake: LXD does not answer";
      return r;
    }
    std::vector<InstanceInfo> snapshot;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [name, info] : live_) snapshot.push_back(info);
    }
    if (!reports_devices) {
      for (auto& info : snapshot) info.devices.reset();
    }
    // A slow listing: what happens meanwhile is not in the answer.
    if (on_list) on_list();
    out.insert(out.end(), snapshot.begin(), snapshot.end());
    return {};
  }
  std::function<void()> on_list;  // runs after the listing's snapshot is taken
  // False: the listing says nothing about devices, as a backend before ABI 1.1's "devices".
  bool reports_devices = true;
  std::atomic<bool> list_fails{false};  // list() fails, as an LXD that does not answer

  void hold(const std::string& entry) {
    std::lock_guard<std::mutex> lock(mu_);
    held_.insert(entry);
  }
  void release(const std::string& entry) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_.erase(entry);
    }
    cv_.notify_all();
  }
  void setStatus(const std::string& instance, const std::string& status) {
    std::lock_guard<std::mutex> lock(mu_);
    live_[instance].status = status;
  }
  void addForeign(const std::string& name, int64_t created_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    InstanceInfo info;
    info.name = name;
    info.remote = "main";
    info.status = "running";
    info.created_ms = created_ms;
    info.devices.emplace();
    live_[name] = info;
  }
  // An instance left by an earlier run (made without a launch through this executor).
  void addInstance(const std::string& name, const std::string& entry, uint64_t job_id,
                   int64_t created_ms,
                   std::map<std::string, std::map<std::string, std::string>> devices) {
    std::lock_guard<std::mutex> lock(mu_);
    InstanceInfo info;
    info.name = name;
    info.remote = "main";
    info.entry = entry;
    info.status = "running";
    info.job_id = job_id;
    info.created_ms = created_ms;
    info.devices = devices;
    live_[name] = info;
    devices_[name] = std::move(devices);
  }
  // Launches that gave an instance a device a live instance had already.
  size_t deviceConflicts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return device_conflicts_;
  }
  // The devices instance `name` was launched with.
  std::map<std::string, std::map<std::string, std::string>> devicesOf(
      const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = devices_.find(name);
    return it == devices_.end() ? std::map<std::string, std::map<std::string, std::string>>{}
                                : it->second;
  }
  size_t liveCount() const {
    std::lock_guard<std::mutex> lock(mu_);
    return live_.size();
  }
  bool isLive(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    return live_.count(name) > 0;
  }
  size_t maxLive() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_live_;
  }
  size_t launches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return launches_;
  }
  std::vector<uint64_t> launchedFor() const {
    std::lock_guard<std::mutex> lock(mu_);
    return launched_for_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> held_;
  std::map<std::string, InstanceInfo> live_;
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> devices_;
  size_t device_conflicts_ = 0;
  size_t max_live_ = 0;
  size_t launches_ = 0;
  size_t destroys_ = 0;
  std::vector<uint64_t> launched_for_;
  std::set<std::string> prepared_;
  std::set<std::string> frozen_;
  std::vector<std::string> events_;
  size_t prepares_ = 0;
  size_t starts_ = 0;
  size_t image_lookups_ = 0;
};

// Polls `done` until it holds or 20 s pass (a bound, not a timing assertion).
inline bool waitFor(const std::function<bool()>& done) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < limit) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

}  // namespace lxdrunner::dispatch::test
