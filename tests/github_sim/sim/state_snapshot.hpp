// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "sim/sim_context.hpp"

namespace lxdrunner::github_sim {

// The simulator's state as JSON. For the state file (forFile) it includes secrets, tokens,
// payload bodies and id counters so a restarted simulator continues where it stopped; for
// GET /_sim/state it leaves those out. Caller holds ctx.state.mutex.
JsonObject stateSnapshot(SimContext& ctx, bool forFile);

// Loads a state-file snapshot into an empty state. Caller holds ctx.state.mutex.
// Throws BadInput when the file is not a simulator state.
void restoreSnapshot(SimContext& ctx, const JsonObject& snapshot);

// Writes text to path atomically (temporary file, then rename), so a crash never leaves a
// half-written state behind.
void writeFileAtomically(const std::string& path, const std::string& text);

}  // namespace lxdrunner::github_sim
