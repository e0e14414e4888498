// SPDX-License-Identifier: Apache-2.0
// Parses the body of a `ping` delivery with the same strict rules as parseWorkflowJob.
#pragma once

#include <string_view>

#include "lxdrunner/webhook/parse_error.hpp"
#include "lxdrunner/webhook/workflow_job_payload.hpp"

namespace lxdrunner::webhook {

// Requires hook_id (unsigned integer); zen is optional. Other keys are validated, skipped.
ParseResult<PingPayload> parsePing(std::string_view body);

}  // namespace lxdrunner::webhook
