// SPDX-License-Identifier: Apache-2.0
// Store rows that earlier runs or failed launches leave behind, for the ownership, recovery
// and reconciler tests. Apart from harness.hpp because it asserts with Catch, and the
// dispatch benchmark has no Catch.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "dispatch/instance_names.hpp"
#include "harness.hpp"

namespace lxdrunner::dispatch::test {

// Records job `id` (queued again) after `attempts` launches, the last on instance
// "<prefix>-<id>-<attempts>zzzz", now gone: what failed launches leave in the store. The
// names of its earlier attempts are no longer in its record.
inline void recordAttempts(Harness& h, uint64_t id, int attempts,
                           const std::string& repository = "octo/repo",
                           const std::string& organization = "") {
  auto e = h.github.queue(id, {"self-hosted", "linux"}, repository, organization);
  REQUIRE(h.store->recordQueued(e.event, h.config.runnermap.front().name, wallMs(), "webhook"));
  jobs::TransitionFields f;
  f.instance = coldInstanceName(h.config.prefix, id, attempts, "zzzz");
  f.backend = "fake-backend";
  f.attempts = attempts;
  REQUIRE(h.store->transition(id, jobs::JobState::Queued, jobs::JobState::Launching, wallMs(), f));
  REQUIRE(h.store->markInstanceGone(*f.instance, wallMs()));
  REQUIRE(h.store->transition(id, jobs::JobState::Launching, jobs::JobState::Queued, wallMs()));
}

// Puts job `id` (labels self-hosted, linux; entry "linux") into `state` by hand, with a live
// instance in the fake LXD, named as the dispatcher names them, for every state past queued:
// what a previous run, or a launch that lost its thread, left behind. Returns the instance's
// name ("" for queued).
inline std::string leaveJobIn(Harness& h, uint64_t id, jobs::JobState state,
                              const std::string& repository = "octo/repo") {
  using jobs::JobState;
  auto e = h.github.queue(id, {"self-hosted", "linux"}, repository);
  REQUIRE(h.store->recordQueued(e.event, "linux", wallMs(), "webhook"));
  if (state == JobState::Queued) return {};
  const std::string name = h.dispatcher->instanceName(*h.store->get(id), 1);
  jobs::TransitionFields f;
  f.instance = name;
  f.backend = "fake-backend";
  f.attempts = 1;
  REQUIRE(h.store->transition(id, JobState::Queued, JobState::Launching, wallMs(), f));
  h.executor.addForeign(name, wallMs());
  if (state == JobState::Launching) return name;
  REQUIRE(h.store->transition(id, JobState::Launching, JobState::Provisioning, wallMs()));
  if (state == JobState::Provisioning) return name;
  REQUIRE(h.store->transition(id, JobState::Provisioning, JobState::Running, wallMs()));
  return name;
}

}  // namespace lxdrunner::dispatch::test
