// SPDX-License-Identifier: Apache-2.0
#include "http/worker_pool.hpp"

#include <utility>

namespace lxdrunner::http {

WorkerPool::WorkerPool(std::size_t max_threads, std::size_t max_queued)
    : max_threads_(max_threads == 0 ? 1 : max_threads), max_queued_(max_queued) {}

WorkerPool::~WorkerPool() {
  stop();
}

bool WorkerPool::trySubmit(std::function<void()> work) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || queue_.size() >= max_queued_ + idle_) return false;
  queue_.push_back(std::move(work));
  if (idle_ < queue_.size() && threads_.size() < max_threads_) {
    ++idle_;  // counted from now, so a burst does not start a thread per item
    threads_.emplace_back([this] { serve(); });
  } else {
    ready_.notify_one();
  }
  return true;
}

std::size_t WorkerPool::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size() > idle_ ? queue_.size() - idle_ : 0;
}

void WorkerPool::serve() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    --idle_;
    std::function<void()> work = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    work();
    work = nullptr;  // what the work owned (a socket) is released before the thread idles
    lock.lock();
    ++idle_;
  }
}

void WorkerPool::stop() {
  std::deque<std::function<void()>> dropped;
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
    threads.swap(threads_);
  }
  ready_.notify_all();
  dropped.clear();
  for (auto& t : threads) t.join();
}

}  // namespace lxdrunner::http
