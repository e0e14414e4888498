// SPDX-License-Identifier: Apache-2.0
#include "dispatch/work_queue.hpp"

#include <Poco/Logger.h>

namespace lxdrunner::dispatch {

WorkQueue::WorkQueue(std::string name, size_t threads) : name_(std::move(name)) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkQueue::~WorkQueue() {
  drainAndStop();
}

void WorkQueue::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

size_t WorkQueue::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_.size();
}

void WorkQueue::drainAndStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void WorkQueue::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      // A task is written not to throw; if one does, the pool must survive it.
      Poco::Logger::get("dispatcher").error("%s task failed: %s", name_, std::string(e.what()));
    } catch (...) {
      Poco::Logger::get("dispatcher").error("%s task failed with an unknown exception", name_);
    }
  }
}

}  // namespace lxdrunner::dispatch
