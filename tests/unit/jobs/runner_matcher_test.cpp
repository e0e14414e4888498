// SPDX-License-Identifier: Apache-2.0
// Matching jobs to runnermap entries as GitHub matches jobs to runners.
#include <catch2/catch.hpp>

#include "jobs/runner_matcher.hpp"

using lxdrunner::config::LabelMatch;
using lxdrunner::config::RunnerEntry;
using lxdrunner::jobs::RunnerMatcher;

namespace {
RunnerEntry entry(std::vector<std::string> labels, LabelMatch match = LabelMatch::Subset) {
  RunnerEntry e;
  e.labels = std::move(labels);
  e.match = match;
  return e;
}
}  // namespace

TEST_CASE("matching table", "[matcher]") {
  RunnerMatcher m({
      entry({"self-hosted", "linux", "x64"}),           // 0
      entry({"self-hosted", "linux", "x64", "gpu"}),    // 1
      entry({"self-hosted", "linux", "arm64"}),         // 2
      entry({"self-hosted", "vm"}, LabelMatch::Exact),  // 3
      entry({"Self-Hosted", "Linux", "X64", "big"}),    // 4: same extra count as 1
  });
  struct Row {
    std::vector<std::string> job;
    int expected;
  };
  const std::vector<Row> table = {
      {{"self-hosted"}, 0},  // 0 and 2 have the fewest extra labels (2): config order wins
      {{"self-hosted", "linux", "x64"}, 0},  // exact fit beats 1 and 4
      {{"SELF-HOSTED", "Linux", "X64"}, 0},  // case-insensitive
      {{"self-hosted", "gpu"}, 1},           // only 1 has gpu
      {{"gpu", "linux", "x64", "self-hosted"}, 1},
      {{"self-hosted", "linux", "arm64"}, 2},
      {{"self-hosted", "vm"}, 3},        // exact entry, exact set
      {{"vm"}, -1},                      // exact entry refuses a subset
      {{"self-hosted", "windows"}, -1},  // nobody has windows
      {{"self-hosted", "linux", "x64", "big"}, 4},
      {{}, -1},                        // a job without labels matches nothing
      {{"linux", "linux", "x64"}, 0},  // duplicates collapse
  };
  for (const auto& row : table) {
    INFO("job labels: " << Catch::Detail::stringify(row.job));
    CHECK(m.match(row.job) == row.expected);
  }
}

TEST_CASE("no entries wants nothing", "[matcher]") {
  RunnerMatcher m({});
  CHECK_FALSE(m.wants({"self-hosted"}));
}
