// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/worker_pool.hpp"

namespace lxdrunner::http {
namespace {

// A gate the test opens: work items block on it, so the pool's state can be looked at.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return open; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

template <typename F>
bool eventually(F f) {
  for (int i = 0; i < 1000; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

TEST_CASE("waiting() counts the work no thread is free to take") {
  WorkerPool pool(1, 4);
  Gate gate;
  std::atomic<int> started{0};
  std::atomic<int> done{0};
  auto item = [&] {
    ++started;
    gate.wait();
    ++done;
  };
  CHECK(pool.waiting() == 0);
  REQUIRE(pool.trySubmit(item));
  REQUIRE(eventually([&] { return started == 1; }));
  CHECK(pool.waiting() == 0);  // the one thread has it
  REQUIRE(pool.trySubmit(item));
  REQUIRE(pool.trySubmit(item));
  CHECK(pool.waiting() == 2);
  gate.release();
  REQUIRE(eventually([&] { return done == 3; }));
  CHECK(pool.waiting() == 0);
  pool.stop();
}

TEST_CASE("a full queue refuses work and queues nothing") {
  WorkerPool pool(1, 1);
  Gate gate;
  std::atomic<int> started{0};
  auto item = [&] {
    ++started;
    gate.wait();
  };
  REQUIRE(pool.trySubmit(item));
  REQUIRE(eventually([&] { return started == 1; }));
  REQUIRE(pool.trySubmit(item));
  CHECK_FALSE(pool.trySubmit(item));
  CHECK(pool.waiting() == 1);
  gate.release();
  pool.stop();
}

}  // namespace
}  // namespace lxdrunner::http
