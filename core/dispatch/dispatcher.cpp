// SPDX-License-Identifier: Apache-2.0
#include "dispatch/dispatcher.hpp"

#include <Poco/Logger.h>

#include <chrono>
#include <limits>
#include <random>
#include <vector>

namespace lxdrunner::dispatch {

namespace {

int64_t systemMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Destroys are short and must not wait behind launches: their own small pool.
constexpr size_t kCleanupThreads = 4;
// How many queued jobs of one entry are looked at per pass (the head may be backing off).
constexpr size_t kQueuedWindow = 16;

}  // namespace

Dispatcher::Dispatcher(const config::Config& config, jobs::JobStore& store, Executor& executor,
                       RunnerDirectory* runners, Clock wall_clock)
    : config_(config),
      store_(store),
      executor_(executor),
      runners_(runners),
      clock_(wall_clock ? std::move(wall_clock) : Clock(systemMs)),
      matcher_(config.runnermap) {}

Dispatcher::~Dispatcher() {
  stop();
}

const config::RunnerEntry* Dispatcher::entry(const std::string& name) const {
  for (const auto& e : config_.runnermap) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string Dispatcher::instanceName(const jobs::JobRecord& job, int attempt) const {
  // Written to the store before the instance exists, so a restart knows what to clean up.
  // The random tail keeps a launch from ever meeting an earlier one's name (a restart gives
  // the interrupted attempt back; a failed removal may leave the old instance behind).
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string tail;
  for (int i = 0; i < 4; ++i) tail += kAlphabet[pick(random)];
  return config_.prefix + "-" + std::to_string(job.job_id) + "-" + std::to_string(attempt) + tail;
}

void Dispatcher::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  launches_ = std::make_unique<WorkQueue>(
      "launch", static_cast<size_t>(config_.dispatcher.launch_concurrency));
  cleanups_ = std::make_unique<WorkQueue>("cleanup", kCleanupThreads);
  wake_ = true;
  scheduler_ = std::thread([this] { schedulerLoop(); });
}

void Dispatcher::stopScheduling() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
}

void Dispatcher::stop() {
  stopScheduling();
  if (launches_) launches_->drainAndStop();
  if (cleanups_) cleanups_->drainAndStop();
}

void Dispatcher::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void Dispatcher::schedulerLoop() {
  auto& log = Poco::Logger::get("dispatcher");
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // The timeout lets backed-off jobs become eligible without an event.
      cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return wake_ || !running_; });
      if (!running_) return;
      wake_ = false;
    }
    try {
      scheduleOnce();
    } catch (const std::exception& e) {
      log.error("scheduling failed: %s (retrying shortly)", std::string(e.what()));
    }
  }
}

size_t Dispatcher::scheduleOnce() {
  const size_t global_max = static_cast<size_t>(config_.max_workers);
  const size_t concurrency = static_cast<size_t>(config_.dispatcher.launch_concurrency);
  size_t started = 0;
  for (;;) {
    if (in_flight_.load() >= concurrency) return started;
    if (store_.countSlotsAll() >= global_max) return started;
    const int64_t now = clock_();
    // The oldest eligible job over every entry that has room.
    std::optional<jobs::JobRecord> best;
    const config::RunnerEntry* best_entry = nullptr;
    for (const auto& e : config_.runnermap) {
      if (isDrained(e.name)) continue;
      if (store_.countSlots(e.name) >= static_cast<size_t>(e.max_workers)) continue;
      // Usually the head is eligible: read one row, and a window only when it backs off.
      auto queued = store_.nextQueued(e.name, 1);
      if (!queued.empty()) {
        std::lock_guard<std::mutex> lock(mu_);
        auto nb = not_before_.find(queued.front().job_id);
        if (nb != not_before_.end() && nb->second > now) queued.clear();
      }
      if (queued.empty()) queued = store_.nextQueued(e.name, kQueuedWindow);
      for (auto& job : queued) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          auto nb = not_before_.find(job.job_id);
          if (nb != not_before_.end() && nb->second > now) continue;
        }
        if (!best || job.seq < best->seq) {
          best = std::move(job);
          best_entry = &e;
        }
        break;
      }
    }
    if (!best) return started;
    const int attempt = best->attempts + 1;
    const std::string instance = instanceName(*best, attempt);
    jobs::TransitionFields fields;
    fields.instance = instance;
    fields.backend = best_entry->backend;
    fields.remote = std::string();
    fields.attempts = attempt;
    if (!store_.transition(best->job_id, jobs::JobState::Queued, jobs::JobState::Launching, now,
                           fields)) {
      continue;  // cancelled meanwhile: look again
    }
    best->state = jobs::JobState::Launching;
    best->instance = instance;
    best->attempts = attempt;
    ++in_flight_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      launching_.insert(instance);
    }
    ++started;
    ++counters_.launches_started;
    launches_->post([this, job = *best, e = best_entry, instance]() mutable {
      runLaunch(std::move(job), e, instance);
    });
  }
}

void Dispatcher::drain(const std::string& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  drained_.insert(entry);
}

void Dispatcher::resume(const std::string& entry) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    drained_.erase(entry);
  }
  wake();
}

bool Dispatcher::isDrained(const std::string& entry) const {
  std::lock_guard<std::mutex> lock(mu_);
  return drained_.count(entry) > 0;
}

bool Dispatcher::isLaunching(const std::string& instance) const {
  std::lock_guard<std::mutex> lock(mu_);
  return launching_.count(instance) > 0;
}

bool Dispatcher::isOurs(const std::string& runner_name) const {
  return runner_name.size() > config_.prefix.size() + 1 &&
         runner_name.compare(0, config_.prefix.size() + 1, config_.prefix + "-") == 0;
}

}  // namespace lxdrunner::dispatch
