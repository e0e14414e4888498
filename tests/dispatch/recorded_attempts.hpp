// SPDX-License-Identifier: Apache-2.0
// Store rows that failed launches leave behind, for the ownership and reconciler tests. Apart
// from harness.hpp because it asserts with Catch, and the dispatch benchmark has no Catch.
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
                           const std::string& repository = "octo/repo") {
  auto e = h.github.queue(id, {"self-hosted", "linux"}, repository);
  REQUIRE(h.store->recordQueued(e.event, h.config.runnermap.front().name, wallMs(), "webhook"));
  jobs::TransitionFields f;
  f.instance = coldInstanceName(h.config.prefix, id, attempts, "zzzz");
  f.backend = "fake-backend";
  f.attempts = attempts;
  REQUIRE(h.store->transition(id, jobs::JobState::Queued, jobs::JobState::Launching, wallMs(), f));
  REQUIRE(h.store->markInstanceGone(*f.instance, wallMs()));
  REQUIRE(h.store->transition(id, jobs::JobState::Launching, jobs::JobState::Queued, wallMs()));
}

}  // namespace lxdrunner::dispatch::test
