// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "sim/sim_context.hpp"

namespace lxdrunner::github_sim {

// All of these expect the caller to hold ctx.state.mutex: the delivery is recorded and queued
// in the same critical section as the state change it reports, so deliveries keep that order.

// A workflow_job delivery to every hook that wants it: the app hook, the repository's hooks and
// (for organisation repositories) the organisation's hooks.
void sendWorkflowJob(SimContext& ctx, const Job& job, const std::string& action);
void sendPing(SimContext& ctx, const Hook& hook);
// Sends a stored delivery again with the same GUID and body; returns the new delivery's id.
std::int64_t redeliver(SimContext& ctx, const Delivery& original);

// Called by the sender thread with the receiver's answer; takes the lock itself.
void recordDeliveryOutcome(SimContext& ctx, std::int64_t deliveryId,
                           const DeliveryOutcome& outcome);

}  // namespace lxdrunner::github_sim
