// SPDX-License-Identifier: Apache-2.0
// A fixed pool of threads running queued tasks in order. Bounded concurrency is the point:
// N threads, never more launches (or destroys) at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lxdrunner::dispatch {

class WorkQueue {
 public:
  WorkQueue(std::string name, size_t threads);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void post(std::function<void()> task);
  // Runs what is queued and in flight to the end, then joins the threads. Idempotent.
  void drainAndStop();
  size_t pending() const;

 private:
  void run();

  std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace lxdrunner::dispatch
