// SPDX-License-Identifier: Apache-2.0
#include "remote_picker.hpp"

#include <algorithm>
#include <limits>

#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::backends {

std::vector<std::string> RemotePicker::order(
    const std::string& entry, const std::vector<std::string>& remotes,
    const std::function<std::optional<long>(const std::string&)>& free_slots) {
  struct Candidate {
    std::string name;
    long free;
    size_t rotation;  // position after rotating by the round-robin turn
  };
  const size_t n = remotes.size();
  const size_t turn = n == 0 ? 0 : turn_.fetch_add(1) % n;
  std::vector<Candidate> candidates;
  std::string full;
  for (size_t i = 0; i < n; ++i) {
    std::optional<long> free = free_slots(remotes[i]);
    if (free && *free <= 0) {
      full += (full.empty() ? "" : ", ") + remotes[i];
      continue;
    }
    candidates.push_back(
        {remotes[i], free.value_or(std::numeric_limits<long>::max()), (i + n - turn) % n});
  }
  if (candidates.empty()) {
    throw sdk::Error(LXDR_ERR_TRANSIENT, "every remote of runnermap entry '" + entry +
                                             "' is at its max_instances (" + full +
                                             "): waiting for instances to finish");
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return a.free != b.free ? a.free > b.free : a.rotation < b.rotation;
  });
  std::vector<std::string> out;
  for (auto& c : candidates) out.push_back(std::move(c.name));
  return out;
}

}  // namespace lxdrunner::backends
