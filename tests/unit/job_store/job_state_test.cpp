// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "jobs/job_state.hpp"
#include "jobs/job_store_labels.hpp"
#include "jobs/job_store_log.hpp"

using namespace lxdrunner::jobs;

namespace {
const JobState kAll[] = {JobState::Queued,   JobState::Launching, JobState::Provisioning,
                         JobState::Running,  JobState::Completed, JobState::Failed,
                         JobState::Cancelled};
}

TEST_CASE("job state names round-trip and unknown names are refused") {
  for (JobState s : kAll) {
    auto back = jobStateFromString(toString(s));
    REQUIRE(back.has_value());
    CHECK(*back == s);
  }
  CHECK(toString(JobState::Provisioning) == "provisioning");
  CHECK_FALSE(jobStateFromString("Queued").has_value());
  CHECK_FALSE(jobStateFromString("").has_value());
}

TEST_CASE("finished states have no way out") {
  for (JobState from : {JobState::Completed, JobState::Failed, JobState::Cancelled}) {
    CHECK(isFinished(from));
    for (JobState to : kAll) CHECK_FALSE(isLegalTransition(from, to));
  }
  for (JobState s : kAll) CHECK_FALSE(isLegalTransition(s, s));
  CHECK_FALSE(isLegalTransition(JobState::Queued, JobState::Running));
  CHECK(isLegalTransition(JobState::Running, JobState::Queued));  // runner lost before the job
  CHECK(isLegalTransition(JobState::Queued, JobState::Cancelled));
}

TEST_CASE("labels survive the JSON column, escapes included") {
  std::vector<std::string> labels{"self-hosted", "with \"quote\"", "back\\slash",
                                  "tab\there",   "ünïcödé",        ""};
  CHECK(labelsFromJson(labelsToJson(labels)) == labels);
  CHECK(labelsToJson({}) == "[]");
  CHECK(labelsFromJson(" [ ] ").empty());
  CHECK(labelsFromJson(R"(["a\u00e9\ud83d\ude00"])") ==
        std::vector<std::string>{"a\xC3\xA9\xF0\x9F\x98\x80"});
  CHECK_THROWS_AS(labelsFromJson("[1]"), std::invalid_argument);
  CHECK_THROWS_AS(labelsFromJson("[\"a\""), std::invalid_argument);
  CHECK_THROWS_AS(labelsFromJson("[\"a\"] x"), std::invalid_argument);
}

TEST_CASE("the log tail is cut on a character boundary") {
  CHECK(keepLogTail("abc", 5) == "abc");
  CHECK(keepLogTail("abcdef", 3) == "def");
  // "é" is two bytes; cutting through it drops the orphaned continuation byte.
  CHECK(keepLogTail("x\xC3\xA9yz", 3) == "yz");
}
