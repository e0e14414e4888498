// SPDX-License-Identifier: Apache-2.0
// Which runnermap entry serves a job, matching as GitHub does: the job's labels must all be
// among the entry's labels (case-insensitive). The most specific entry wins — fewest labels
// beyond the job's, then configuration order. An entry with `match: exact` only takes a job
// whose label set equals its own (the original lxdrunner's behaviour).
#pragma once

#include <string>
#include <vector>

#include "config/model.hpp"

namespace lxdrunner::jobs {

class RunnerMatcher {
 public:
  explicit RunnerMatcher(const std::vector<config::RunnerEntry>& entries);

  // The index of the entry that serves `job_labels`, or -1 when none does.
  int match(const std::vector<std::string>& job_labels) const;
  bool wants(const std::vector<std::string>& job_labels) const { return match(job_labels) >= 0; }

 private:
  struct Candidate {
    std::vector<std::string> labels;  // lower-cased, sorted, unique
    bool exact = false;
  };
  std::vector<Candidate> entries_;
};

// Lower-cased, sorted, de-duplicated copy (GitHub labels are case-insensitive).
std::vector<std::string> normalizeLabels(const std::vector<std::string>& labels);

}  // namespace lxdrunner::jobs
