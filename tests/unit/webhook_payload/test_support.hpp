// SPDX-License-Identifier: Apache-2.0
// Fixture access and body builders shared by the webhook payload tests.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lxdrunner::webhook::test {

inline std::string fixturePath(std::string_view name) {
  return std::string(LXDRUNNER_TEST_DATA_DIR) + "/fixtures/" + std::string(name);
}

inline std::string readFixture(std::string_view name) {
  std::ifstream in(fixturePath(name), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + std::string(name));
  std::ostringstream content;  // not istreambuf_iterator: gcc -O2 -Wnull-dereference trips on it
  content << in.rdbuf();
  return content.str();
}

inline const std::vector<std::string>& workflowJobFixtures() {
  static const std::vector<std::string> names = {
      "workflow_job.queued.payload.json",
      "workflow_job.in_progress.payload.json",
      "workflow_job.completed.success.with-organization.payload.json",
  };
  return names;
}

inline const char* const kPingFixture = "ping.payload.json";

// The smallest body parseWorkflowJob accepts, with every extracted key present once so a
// test can swap one of them with replaceOnce().
inline const char* const kMinimalJob =
    R"({"action":"queued","workflow_job":{"id":1,"run_id":2,"run_attempt":1,)"
    R"("labels":["self-hosted","linux"],"status":"queued","conclusion":null,)"
    R"("runner_id":null,"runner_name":null},"repository":{"full_name":"o/r"}})";

// Replaces the single occurrence of `from`; throws if there is none or more than one, so a
// test cannot silently keep testing the unmodified body.
inline std::string replaceOnce(std::string body, std::string_view from, std::string_view to) {
  const auto at = body.find(from);
  if (at == std::string::npos || body.find(from, at + 1) != std::string::npos) {
    throw std::logic_error("replaceOnce: '" + std::string(from) + "' is not unique");
  }
  return body.replace(at, from.size(), to);
}

inline std::string minimalJobWith(std::string_view from, std::string_view to) {
  return replaceOnce(kMinimalJob, from, to);
}

}  // namespace lxdrunner::webhook::test
