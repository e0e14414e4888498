// SPDX-License-Identifier: Apache-2.0
// Which runner scopes the reconciler lists the runners of in a pass: the repository, or for
// organisation runners the organisation (registration_scope.hpp), where a job's runner
// registered; "repository" below stands for either. Listing every repository
// it has served each pass spends GitHub's rate limit in proportion to the repositories, idle
// or not; a repository is looked at only where a registration of ours may exist without a
// live instance behind it, or where a live instance's rules need its runners:
//  - it has a live instance: every pass;
//  - an instance of it was destroyed since it was last looked at: once (a runner that
//    finished its job unregistered itself; one left behind is seen then);
//  - a registration of ours with no instance was seen there: again when the first of them is
//    due for deletion, or kRecheckMs later while one is still online;
//  - it had a job within job_retention_days: once after start-up (what a previous run left).
// The most needed come first (live; vacated or due; the start-up sweep), within each the one
// looked at longest ago, so a call budget that cannot cover them all starves none.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lxdrunner::dispatch {

class RunnerScopes {
 public:
  static constexpr int64_t kRecheckMs = 5 * 60 * 1000;

  // The repositories the first pass after start-up looks at once.
  void sweepOnce(const std::vector<std::string>& repositories);

  struct Inputs {
    std::set<std::string> live;  // repositories with a live instance
    // Repositories where an instance was destroyed recently, with the latest time one was.
    std::vector<std::pair<std::string, int64_t>> vacated;
  };
  // The repositories to look at now, most needed first. Forgets repositories that need no
  // look any more, so what it keeps is bounded by the inputs and the pending registrations.
  std::vector<std::string> plan(const Inputs& inputs, int64_t now_ms);

  // A listing of `repository` was obtained at `now_ms`.
  void looked(const std::string& repository, int64_t now_ms);
  // When `repository` needs another look for registrations of ours found there without an
  // instance; 0 when there were none.
  void pending(const std::string& repository, int64_t due_ms);

  size_t tracked() const { return scopes_.size() + sweep_.size(); }

 private:
  struct Scope {
    int64_t looked_ms = 0;
    int64_t due_ms = 0;  // 0 = nothing of ours left there
  };
  std::map<std::string, Scope> scopes_;
  std::set<std::string> sweep_;
};

}  // namespace lxdrunner::dispatch
