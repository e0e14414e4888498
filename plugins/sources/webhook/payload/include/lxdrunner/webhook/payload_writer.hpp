// SPDX-License-Identifier: Apache-2.0
// Writes the fields we extract back out as a minimal delivery body. Used by the fuzz round
// trip (parse -> write -> parse must give the same fields), the tests and the simulator.
#pragma once

#include <string>
#include <string_view>

#include "lxdrunner/webhook/workflow_job_payload.hpp"

namespace lxdrunner::webhook {

// Appends `text` as a JSON string literal. `text` must be UTF-8 (anything the parser
// produced is); '"', '\\' and control characters are escaped, other bytes copied.
void appendJsonString(std::string& out, std::string_view text);

// Empty strings and zero ids that GitHub sends as null are written as null; organization
// and installation are left out when empty/zero, as for a user repository without an App.
std::string writeWorkflowJob(const WorkflowJobPayload& payload);
std::string writePing(const PingPayload& payload);

}  // namespace lxdrunner::webhook
