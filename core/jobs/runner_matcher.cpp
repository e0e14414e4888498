// SPDX-License-Identifier: Apache-2.0
#include "jobs/runner_matcher.hpp"

#include <algorithm>
#include <cctype>

namespace lxdrunner::jobs {

std::vector<std::string> normalizeLabels(const std::vector<std::string>& labels) {
  std::vector<std::string> out;
  out.reserve(labels.size());
  for (const auto& l : labels) {
    std::string lower(l);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.push_back(std::move(lower));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RunnerMatcher::RunnerMatcher(const std::vector<config::RunnerEntry>& entries) {
  for (const auto& e : entries) {
    entries_.push_back({normalizeLabels(e.labels), e.match == config::LabelMatch::Exact});
  }
}

int RunnerMatcher::match(const std::vector<std::string>& job_labels) const {
  const std::vector<std::string> job = normalizeLabels(job_labels);
  if (job.empty()) return -1;
  int best = -1;
  size_t best_extra = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Candidate& c = entries_[i];
    if (!std::includes(c.labels.begin(), c.labels.end(), job.begin(), job.end())) continue;
    size_t extra = c.labels.size() - job.size();
    if (c.exact && extra != 0) continue;
    if (best < 0 || extra < best_extra) {
      best = static_cast<int>(i);
      best_extra = extra;
    }
  }
  return best;
}

}  // namespace lxdrunner::jobs
