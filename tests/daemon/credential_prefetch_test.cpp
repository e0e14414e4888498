// SPDX-License-Identifier: Apache-2.0
// The JIT prefetch: fetched ahead only for entries seen asking for JIT, handed out only when
// the provisioner asks for exactly what was fetched, and never a registration left behind.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "daemon/credential_prefetch.hpp"

namespace lxdrunner::daemon {
namespace {

using Ask = CredentialPrefetch::Ask;
using Answer = CredentialPrefetch::Answer;
using Clock = CredentialPrefetch::Clock;

// A GitHub stand-in: generate blocks while `held`, counts calls, hands out runner ids.
struct FakeGithub {
  std::mutex mu;
  std::condition_variable cv;
  bool held = false;
  bool fail = false;
  int generated = 0;
  std::vector<std::pair<std::string, uint64_t>> removed;

  Answer generate(const Ask& ask) {
    std::unique_lock<std::mutex> lock(mu);
    ++generated;
    cv.notify_all();
    cv.wait(lock, [&] { return !held; });
    Answer a;
    if (fail) {
      a.status = LXDR_ERR_TRANSIENT;
      a.error = "HTTP 502";
      return a;
    }
    a.runner_id = static_cast<uint64_t>(generated);
    a.value = "jit-for-" + ask.runner_name + "-in-" + ask.scope;
    return a;
  }
  void hold() {
    std::lock_guard<std::mutex> lock(mu);
    held = true;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mu);
      held = false;
    }
    cv.notify_all();
  }
  bool waitGenerated(int n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return generated >= n; });
  }
  int generatedCount() {
    std::lock_guard<std::mutex> lock(mu);
    return generated;
  }
  std::vector<std::pair<std::string, uint64_t>> removedList() {
    std::lock_guard<std::mutex> lock(mu);
    return removed;
  }
};

struct Fixture {
  FakeGithub github;
  CredentialPrefetch prefetch{[this](const Ask& a) { return github.generate(a); },
                              [this](const std::string& scope, uint64_t id) {
                                std::lock_guard<std::mutex> lock(github.mu);
                                github.removed.emplace_back(scope, id);
                              },
                              1};
  static Ask ask(const std::string& name, const std::string& repo = "octo/repo") {
    return {"repos/" + repo, name, {"self-hosted", "linux"}, "", repo};
  }
  static Ask orgAsk(const std::string& name, const std::string& group) {
    return {"orgs/acme", name, {"self-hosted", "linux"}, group, "acme/app"};
  }
  static Clock::time_point soon() { return Clock::now() + std::chrono::seconds(20); }
  // The first launch of `entry` teaches it to want JIT.
  void learnJit(const std::string& entry) {
    prefetch.launching(entry, ask("teach-" + entry));
    REQUIRE_FALSE(prefetch.take(ask("teach-" + entry), true, soon()).has_value());
  }
};

TEST_CASE_METHOD(Fixture, "prefetch: nothing ahead until the entry was seen asking for JIT") {
  prefetch.launching("linux", ask("r-1"));
  CHECK_FALSE(prefetch.take(ask("r-1"), true, soon()).has_value());
  CHECK(github.generatedCount() == 0);  // the provisioner asks GitHub itself this once

  prefetch.launching("linux", ask("r-2"));
  REQUIRE(github.waitGenerated(1));
  const auto got = prefetch.take(ask("r-2"), true, soon());
  REQUIRE(got.has_value());
  CHECK(*got == "jit-for-r-2-in-repos/octo/repo");
  CHECK(github.removedList().empty());
  CHECK(prefetch.stats().hits == 1);
  // Another entry has not been seen yet.
  prefetch.launching("gpu", ask("g-1"));
  CHECK_FALSE(prefetch.take(ask("g-1"), true, soon()).has_value());
  CHECK(github.generatedCount() == 1);
}

TEST_CASE_METHOD(Fixture, "prefetch: an entry in registration-token mode never gets a JIT config") {
  learnJit("linux");
  prefetch.launching("linux", ask("r-1"));
  REQUIRE(github.waitGenerated(1));
  // The provisioner switched to registration tokens: the JIT registration goes, and so does
  // fetching ahead for the entry.
  CHECK_FALSE(prefetch.take(ask("r-1"), false, soon()).has_value());
  REQUIRE(github.removedList().size() == 1);
  CHECK(github.removedList()[0] == std::make_pair(std::string("repos/octo/repo"), uint64_t{1}));
  prefetch.launching("linux", ask("r-2"));
  CHECK_FALSE(prefetch.take(ask("r-2"), false, soon()).has_value());
  CHECK(github.generatedCount() == 1);
}

TEST_CASE_METHOD(Fixture, "prefetch: a request for another repository frees the name first") {
  learnJit("linux");
  prefetch.launching("linux", ask("r-1", "octo/one"));
  REQUIRE(github.waitGenerated(1));
  // The instance went to a job of another repository meanwhile (a runner swap).
  CHECK_FALSE(prefetch.take(ask("r-1", "octo/two"), true, soon()).has_value());
  REQUIRE(github.removedList().size() == 1);
  CHECK(github.removedList()[0].first == "repos/octo/one");
  CHECK(prefetch.stats().wasted == 1);
}

TEST_CASE_METHOD(Fixture, "prefetch: the provisioner waits for a fetch under way") {
  learnJit("linux");
  github.hold();
  prefetch.launching("linux", ask("r-1"));
  REQUIRE(github.waitGenerated(1));
  std::optional<std::string> got;
  std::thread provisioner([&] { got = prefetch.take(ask("r-1"), true, soon()); });
  github.release();
  provisioner.join();
  REQUIRE(got.has_value());
  CHECK(github.generatedCount() == 1);
}

TEST_CASE_METHOD(Fixture, "prefetch: a fetch still queued is dropped, never sent") {
  learnJit("linux");
  github.hold();
  prefetch.launching("linux", ask("r-1"));  // takes the one thread, held
  REQUIRE(github.waitGenerated(1));
  prefetch.launching("linux", ask("r-2"));  // queued behind it
  CHECK_FALSE(prefetch.take(ask("r-2"), true, soon()).has_value());
  github.release();
  REQUIRE(prefetch.take(ask("r-1"), true, soon()).has_value());
  prefetch.stop();
  CHECK(github.generatedCount() == 1);  // r-2 never went to GitHub
}

TEST_CASE_METHOD(Fixture, "prefetch: a launch that failed leaves no registration") {
  learnJit("linux");
  SECTION("discarded after the answer came") {
    prefetch.launching("linux", ask("r-1"));
    REQUIRE(github.waitGenerated(1));
    prefetch.stop();  // the fetch is through
    prefetch.discard("r-1");
    CHECK(github.removedList().size() == 1);
  }
  SECTION("discarded while the fetch was under way: removed once it arrives") {
    github.hold();
    prefetch.launching("linux", ask("r-1"));
    REQUIRE(github.waitGenerated(1));
    prefetch.discard("r-1");
    CHECK(github.removedList().empty());
    github.release();
    prefetch.stop();
    CHECK(github.removedList().size() == 1);
  }
  SECTION("the provisioner gave up waiting: removed once it arrives") {
    github.hold();
    prefetch.launching("linux", ask("r-1"));
    REQUIRE(github.waitGenerated(1));
    CHECK_FALSE(prefetch.take(ask("r-1"), true, Clock::now()).has_value());
    github.release();
    prefetch.stop();
    CHECK(github.removedList().size() == 1);
  }
}

TEST_CASE_METHOD(Fixture, "prefetch: a failed fetch is no answer; the provisioner asks itself") {
  learnJit("linux");
  github.fail = true;
  prefetch.launching("linux", ask("r-1"));
  REQUIRE(github.waitGenerated(1));
  prefetch.stop();
  CHECK_FALSE(prefetch.take(ask("r-1"), true, soon()).has_value());
  CHECK(github.removedList().empty());
}

TEST_CASE_METHOD(Fixture, "prefetch: an organisation runner in its group is handed out") {
  learnJit("linux");
  prefetch.launching("linux", orgAsk("o-1", "ci-fleet"));
  REQUIRE(github.waitGenerated(1));
  const auto got = prefetch.take(orgAsk("o-1", "ci-fleet"), true, soon());
  REQUIRE(got.has_value());
  CHECK(*got == "jit-for-o-1-in-orgs/acme");
  CHECK(github.removedList().empty());
}

TEST_CASE_METHOD(Fixture, "prefetch: a request for another runner group frees the name first") {
  learnJit("linux");
  prefetch.launching("linux", orgAsk("o-1", "ci-fleet"));
  REQUIRE(github.waitGenerated(1));
  CHECK_FALSE(prefetch.take(orgAsk("o-1", "gpu"), true, soon()).has_value());
  REQUIRE(github.removedList().size() == 1);
  CHECK(github.removedList()[0].first == "orgs/acme");
}

}  // namespace
}  // namespace lxdrunner::daemon
