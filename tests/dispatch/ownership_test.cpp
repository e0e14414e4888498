// SPDX-License-Identifier: Apache-2.0
// What this daemon may delete: only instances and runners it made (its exact name pattern
// and its job store), never whatever shares its prefix.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "recorded_attempts.hpp"

namespace lxdrunner::dispatch::test {
namespace {

const std::vector<std::string> kLinux{"self-hosted", "linux"};

TEST_CASE("ownership: instance names are parsed exactly, never by prefix") {
  const auto cold = parseInstanceName("ci", "ci-12-13abcd");
  REQUIRE(cold.has_value());
  CHECK_FALSE(cold->warm);
  CHECK(cold->job_id == 12);
  CHECK(cold->attempt == 13);
  const auto warm = parseInstanceName("ci", "ci-w-abcd1234");
  REQUIRE(warm.has_value());
  CHECK(warm->warm);
  CHECK(parseInstanceName("ci", coldInstanceName("ci", 18446744073709551615ULL, 3, "a1b2")));

  for (const char* other :
       {"ci-gpu-12-1abcd", "ci-gpu-w-abcd1234", "ci-foo", "ci-", "ci", "ci-12-1abc", "ci-012-1abcd",
        "ci-12-0abcd", "ci-12-1ABCD", "ci-12-abcde", "ci-w-abcd12345", "ci-w-abc", "cix-12-1abcd",
        "lxdrunner-12-1abcd"}) {
    INFO(other);
    CHECK_FALSE(parseInstanceName("ci", other).has_value());
  }
}

TEST_CASE("ownership: a name is ours when our store knows it or its job") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.prefix = "ci";
  recordAttempts(h, 1, 2);                           // last on ci-1-2zzzz
  CHECK(h.dispatcher->isOurs("ci-1-2zzzz"));         // the record's instance
  CHECK(h.dispatcher->isOurs("ci-1-1abcd"));         // an earlier attempt of job 1
  CHECK_FALSE(h.dispatcher->isOurs("ci-1-2abcd"));   // attempt 2 was ci-1-2zzzz
  CHECK_FALSE(h.dispatcher->isOurs("ci-1-3abcd"));   // no third attempt yet
  CHECK_FALSE(h.dispatcher->isOurs("ci-77-1abcd"));  // job 77 is not ours: another host's
  CHECK_FALSE(h.dispatcher->isOurs("ci-gpu-1-1abcd"));

  jobs::WarmRecord w;
  w.name = "ci-w-abcd1234";
  w.entry = "linux";
  w.backend = "fake-backend";
  w.state = jobs::WarmState::Launching;
  w.created_at = wallMs();
  h.store->addWarm(w);
  CHECK(h.dispatcher->isOurs("ci-w-abcd1234"));
  CHECK_FALSE(h.dispatcher->isOurs("ci-w-zzzz9999"));
}

// Offline registrations in a repository of ours: only ours go, after the grace.
void checkOfflineSweep(const std::string& prefix) {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.prefix = prefix;
  h.config.dispatcher.offline_runner_grace_s = 600;
  recordAttempts(h, 1, 2);
  const std::vector<std::string> ours{prefix + "-1-1abcd", prefix + "-1-2zzzz"};
  const std::vector<std::string> others{
      prefix + "-gpu-1-1abcd",     // a daemon with prefix "<prefix>-gpu": its pending JIT one
      prefix + "-gpu-w-abcd1234",  // and its warm start's
      prefix + "-foo",             // a person's
      prefix + "-77-1abcd",        // a daemon with the same prefix on another host
      prefix + "-w-abcd1234",      // the same, served from its warm pool
  };
  for (const auto& names : {ours, others}) {
    for (const auto& name : names) {
      h.github.registerRunner(name, kLinux, "octo/repo");
      h.github.runnerOffline(name);
    }
  }
  h.reconciler->reconcileOnce();  // first seen offline
  h.advanceSeconds(601);
  CHECK(h.reconciler->reconcileOnce().runners_deleted == ours.size());
  for (const auto& name : ours) {
    INFO(name);
    CHECK_FALSE(h.github.hasRunner(name));
  }
  h.advanceSeconds(3600);
  h.reconciler->reconcileOnce();
  for (const auto& name : others) {
    INFO(name);
    CHECK(h.github.hasRunner(name));
  }
}

TEST_CASE("ownership: the offline sweep leaves registrations of others (prefix ci)") {
  checkOfflineSweep("ci");
}

TEST_CASE("ownership: the offline sweep leaves registrations of others (default prefix)") {
  checkOfflineSweep("lxdrunner");
}

TEST_CASE("ownership: the orphan sweep removes only instances this daemon made") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.prefix = "ci";
  h.config.dispatcher.max_lifetime_s = 24 * 3600;
  recordAttempts(h, 1, 2);
  const int64_t two_hours_ago = wallMs() - 2 * 3600 * 1000;
  h.executor.addForeign("ci-1-1abcd", two_hours_ago);      // an earlier attempt of ours, left
  h.executor.addForeign("ci-foo", two_hours_ago);          // a person's, with our manager tag
  h.executor.addForeign("ci-77-1abcd", two_hours_ago);     // same prefix, another host's
  h.executor.addForeign("ci-gpu-1-1abcd", two_hours_ago);  // another prefix's
  h.reconciler->reconcileOnce();
  REQUIRE(waitFor([&] { return !h.executor.isLive("ci-1-1abcd"); }));
  CHECK(h.executor.isLive("ci-foo"));
  CHECK(h.executor.isLive("ci-77-1abcd"));
  CHECK(h.executor.isLive("ci-gpu-1-1abcd"));

  // Past max_lifetime_s no daemon with our settings keeps an instance: one of our pattern
  // goes although our store does not know it (a lost store); the others never.
  h.advanceSeconds(24 * 3600);
  h.reconciler->reconcileOnce();
  REQUIRE(waitFor([&] { return !h.executor.isLive("ci-77-1abcd"); }));
  CHECK(h.executor.isLive("ci-foo"));
  CHECK(h.executor.isLive("ci-gpu-1-1abcd"));
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
