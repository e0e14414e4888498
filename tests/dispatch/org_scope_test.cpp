// SPDX-License-Identifier: Apache-2.0
// Organisation runners: where a job's runner registers (runner_scope), and the dispatcher
// and reconciler looking for it there.
#include <catch2/catch.hpp>

#include "dispatch/registration_scope.hpp"
#include "harness.hpp"
#include "recorded_attempts.hpp"

namespace lxdrunner::dispatch::test {
namespace {

using config::RunnerScope;
using jobs::JobState;
const std::vector<std::string> kLinux{"self-hosted", "linux"};

config::RunnerEntry entryWithScope(RunnerScope scope) {
  config::RunnerEntry e = makeEntry("linux", kLinux, 10);
  e.runner_scope = scope;
  return e;
}

TEST_CASE("registration scope: auto follows the job's organisation, repo and org are fixed") {
  CHECK(registrationScope(RunnerScope::Auto, "acme/app", "acme") == "orgs/acme");
  CHECK(registrationScope(RunnerScope::Auto, "octo/repo", "") == "repos/octo/repo");
  CHECK(registrationScope(RunnerScope::Repo, "acme/app", "acme") == "repos/acme/app");
  CHECK(registrationScope(RunnerScope::Org, "acme/app", "acme") == "orgs/acme");
  // A user's repository has no organisation to register in.
  CHECK(registrationScope(RunnerScope::Org, "octo/repo", "") == "repos/octo/repo");
  CHECK(registrationScope(RunnerScope::Auto, "", "acme").empty());
  CHECK(organizationOf("orgs/acme") == "acme");
  CHECK(organizationOf("repos/acme/app").empty());
}

TEST_CASE("registration scope of a stored job follows its entry, else the global default") {
  config::Config config;
  config.runner_scope = RunnerScope::Repo;
  config.runnermap = {entryWithScope(RunnerScope::Org)};
  jobs::JobRecord job;
  job.entry = "linux";
  job.repository = "acme/app";
  job.organization = "acme";
  CHECK(registrationScope(config, job) == "orgs/acme");
  job.entry = "an entry since removed";
  CHECK(registrationScope(config, job) == "repos/acme/app");
}

TEST_CASE("an organisation's job is served by an organisation runner") {
  Harness h({entryWithScope(RunnerScope::Auto)});
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux, "acme/app", "acme"));
  h.dispatcher->handle(h.github.queue(2, kLinux, "octo/repo"));
  REQUIRE(h.serveAll());
  CHECK(h.github.served().at(1) == 1);
  CHECK(h.github.served().at(2) == 1);
  CHECK(h.state(1) == JobState::Completed);
  CHECK(h.state(2) == JobState::Completed);
}

TEST_CASE("reconciler: a registration left in the organisation is found and deleted") {
  Harness h({entryWithScope(RunnerScope::Auto)});
  h.config.dispatcher.offline_runner_grace_s = 600;
  recordAttempts(h, 1, 2, "acme/app", "acme");  // a job of acme's, served before
  const auto left = coldInstanceName("lxdrunner", 1, 1, "abcd");
  h.github.registerRunner(left, kLinux, "orgs/acme");
  h.github.runnerOffline(left);
  h.github.registerRunner("someone-else", kLinux, "orgs/acme");
  h.github.runnerOffline("someone-else");
  h.reconciler->reconcileOnce();
  CHECK(h.github.listings().count("orgs/acme") == 1);
  CHECK(h.github.listings().count("acme/app") == 0);  // not where its runners register
  CHECK(h.github.hasRunner(left));                    // first seen offline now
  h.advanceSeconds(601);
  CHECK(h.reconciler->reconcileOnce().runners_deleted == 1);
  CHECK_FALSE(h.github.hasRunner(left));
  CHECK(h.github.hasRunner("someone-else"));
}

TEST_CASE("reconciler: runner_scope repo keeps an organisation's job in its repository") {
  Harness h({entryWithScope(RunnerScope::Repo)});
  recordAttempts(h, 1, 2, "acme/app", "acme");
  h.reconciler->reconcileOnce();
  CHECK(h.github.listings().count("acme/app") == 1);
  CHECK(h.github.listings().count("orgs/acme") == 0);
}

TEST_CASE("reconciler: a running job's organisation runner is checked in the organisation") {
  Harness h({entryWithScope(RunnerScope::Org)});
  h.config.dispatcher.idle_runner_grace_s = 1;
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux, "acme/app", "acme"));
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Running; }));
  h.reconciler->reconcileOnce();
  CHECK(h.github.listings().count("orgs/acme") == 1);
  CHECK(h.github.listings().count("acme/app") == 0);
  REQUIRE(h.serveAll());
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
