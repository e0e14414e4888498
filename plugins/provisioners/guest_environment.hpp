// SPDX-License-Identifier: Apache-2.0
// The environment the setup script runs with: the guest contract documented at the top of
// config/runner-setup.sh and in docs/provisioners.md. Nothing in it is secret (the
// credential travels as a 0600 file, and only its path is here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "entry_settings.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::provisioners {

enum class RunnerSource { kTarball, kMount, kInstalled };

struct GuestPlan {
  RunnerSource source = RunnerSource::kTarball;
  CredentialMode credentials = CredentialMode::kJit;
  std::string runner_name;
  std::vector<std::string> labels;
  std::string runner_url;      // registration-token mode only
  int64_t budget_seconds = 0;  // the whole script's; 0 = none
  // all (cold: everything at once) | prepare (warm pool: no credential, no start) | start
  std::string phase = "all";
  // The job (ABI 1.1), for the script's LXDRUNNER_JOB_* variables; none in prepare.
  std::optional<sdk::JobContext> job;
  // Phase start: the credential comes on the script's standard input, and no file is
  // pushed (the script says it can; see acceptsCredentialOnStdin).
  bool credential_on_stdin = false;
};

// True when a setup script declares it takes the credential on standard input in phase
// start (the line "lxdrunner-setup-contract: credential-on-stdin").
bool acceptsCredentialOnStdin(const std::string& script_text);
// True when the script says ("lxdrunner-setup-contract: armed-fifo") that its phase prepare,
// with a JIT config, leaves a root process waiting on guest::kStartFifo (root's, 0600) for
// that config as one line, and that this line is all phase start would do: a provisioner
// may then write it there itself and skip the exec.
bool armsStartFifo(const std::string& script_text);

// "NAME=value" entries for ExecRequest::env.
std::vector<std::string> guestEnvironment(const GuestPlan& plan, const EntrySettings& settings);

// Seconds the script may spend so that its output still reaches us before `deadline_ms`
// (monotonic); 0 when there is no deadline. At least 1.
int64_t scriptBudgetSeconds(int64_t deadline_ms, int64_t now_ms);

}  // namespace lxdrunner::provisioners
