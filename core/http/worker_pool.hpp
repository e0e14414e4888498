// SPDX-License-Identifier: Apache-2.0
// The threads that serve requests whose head has arrived. Threads are started as work
// comes, up to a limit, and the queue in front of them is bounded: work refused there gets
// a quick "busy" answer from the caller instead of waiting without end.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lxdrunner::http {

class WorkerPool {
 public:
  WorkerPool(std::size_t max_threads, std::size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `work`; false when the queue is full or the pool is stopping (nothing queued).
  bool trySubmit(std::function<void()> work);
  // Work already running finishes; queued work that has not started is dropped (each
  // item's destructor runs, so what it owns is released). Idempotent.
  void stop();
  // Queued work no idle thread is about to take: connections waiting for a worker.
  std::size_t waiting() const;

 private:
  void serve();

  const std::size_t max_threads_;
  const std::size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace lxdrunner::http
