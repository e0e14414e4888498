// SPDX-License-Identifier: Apache-2.0
// JIT runner configurations asked of GitHub while the instance launches, not after it: on a
// cold launch the provisioner's runner_jit_config then finds its answer waiting. GitHub's
// generate-jitconfig takes a few hundred milliseconds, a launch a second or more, and the
// provisioner used to ask only once the instance ran: that time was on every job's critical
// path.
//
// Only what the provisioner will ask for is fetched ahead: the daemon predicts the request
// (runner name = the instance, the job's registration scope and the entry's runner group,
// the entry's labels),
// and fetches ahead only for entries whose provisioner was seen asking for a JIT config
// (a provisioner in registration-token mode never gets one it would not use). An answer
// that does not match what the provisioner then asks (the instance went to another job's
// repository meanwhile) is deleted on GitHub before the provisioner's own request, so no
// name is registered twice. An answer nobody takes (the launch failed) is deleted too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/work_queue.hpp"
#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::daemon {

class CredentialPrefetch {
 public:
  struct Ask {
    std::string scope;  // repos/OWNER/REPO or orgs/ORG
    std::string runner_name;
    std::vector<std::string> labels;
    std::string runner_group;  // by name; empty = the default group
    std::string repository;    // the job's: a group's repository access is checked for it
    bool operator==(const Ask& other) const {
      return scope == other.scope && runner_name == other.runner_name && labels == other.labels &&
             runner_group == other.runner_group;
    }
  };
  struct Answer {
    lxdr_status status = LXDR_OK;
    std::string value;  // the encoded JIT config: a secret
    std::string error;
    uint64_t runner_id = 0;
  };
  using Clock = std::chrono::steady_clock;
  // Asks GitHub for a JIT config. Runs on the prefetch threads.
  using Generate = std::function<Answer(const Ask&)>;
  // Deletes a registration nobody will use; errors are the callee's to log.
  using Remove = std::function<void(const std::string& scope, uint64_t runner_id)>;

  struct Stats {
    uint64_t hits = 0;    // the provisioner got a prefetched answer
    uint64_t misses = 0;  // it asked GitHub itself (not learned yet, not ready, mismatch)
    uint64_t wasted = 0;  // a prefetched registration deleted unused
  };

  CredentialPrefetch(Generate generate, Remove remove, size_t threads = 4);
  ~CredentialPrefetch();
  CredentialPrefetch(const CredentialPrefetch&) = delete;
  CredentialPrefetch& operator=(const CredentialPrefetch&) = delete;

  // A cold launch of `entry` begins. Fetches ahead when the entry is known to want JIT.
  void launching(const std::string& entry, Ask ask);
  // The provisioner asks (`jit`: a JIT config; else a registration token). The prefetched
  // JIT config when it matches `ask`, waiting for it until `deadline`; nullopt: ask GitHub.
  std::optional<std::string> take(const Ask& ask, bool jit, Clock::time_point deadline);
  // The instance is gone: its unused prefetched registration is deleted.
  void discard(const std::string& runner_name);
  // No new work; waits for the fetches in flight. Idempotent.
  void stop();

  Stats stats() const;

 private:
  struct Slot {
    std::string entry;
    Ask ask;
    bool fetch = false;      // a fetch was queued (the entry wants JIT)
    bool started = false;    // the fetch is talking to GitHub
    bool done = false;       // `answer` is set
    bool abandoned = false;  // nobody will take it: delete the registration once done
    Answer answer;
    Clock::time_point since;
  };
  void fetch(const std::shared_ptr<Slot>& slot);
  // Deletes the registration of an abandoned, finished slot (outside the lock).
  void removeUnused(const Slot& slot);
  void pruneLocked(Clock::time_point now, std::vector<std::shared_ptr<Slot>>& unused);

  Generate generate_;
  Remove remove_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;  // runner name -> its launch
  std::map<std::string, bool> wants_jit_;               // entry -> seen asking for JIT
  Stats stats_;
  bool stopped_ = false;
  dispatch::WorkQueue fetches_;
};

}  // namespace lxdrunner::daemon
