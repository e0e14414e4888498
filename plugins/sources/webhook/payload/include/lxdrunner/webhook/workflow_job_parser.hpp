// SPDX-License-Identifier: Apache-2.0
// Parses the body of a `workflow_job` delivery in one strict pass (see json_scanner.hpp).
//
// Rules, so the plugin and its tests agree on them:
//  - The whole body must be RFC 8259 JSON (UTF-8, escapes, numbers, depth <= 64, nothing
//    after the value); unknown keys are skipped but still validated.
//  - Keys may come in any order. A key we extract that appears twice in the same object is
//    a kDuplicateKey error: RFC 8259 leaves duplicates undefined and GitHub never sends
//    them, so a body that has them is refused rather than guessed at. Duplicates among
//    keys we skip are not looked for (that would cost a set per object for no benefit).
//  - Required: action, workflow_job.{id, run_id, labels}, repository.full_name. Ids are
//    unsigned 64-bit integers read digit by digit (exact above 2^53); a sign, fraction,
//    exponent or value above 2^64 - 1 is kOutOfRange. run_attempt must fit 32 bits.
//  - `labels: null` is a kWrongType error; at most kMaxLabels labels, each a string.
//  - null reads as 0/"" for run_attempt, status, conclusion, runner_id, runner_name,
//    organization(.login) and installation(.id); those may also be absent.
//  - The first error is reported: a syntax error wins over any schema error (a body gets a
//    schema error only if it is valid JSON); then the first schema error in document order;
//    then missing fields; an unknown `action` is kUnknownAction.
#pragma once

#include <cstddef>
#include <string_view>

#include "lxdrunner/webhook/parse_error.hpp"
#include "lxdrunner/webhook/workflow_job_payload.hpp"

namespace lxdrunner::webhook {

// GitHub accepts at most 100 labels per runner; anything far beyond is not a real job.
constexpr std::size_t kMaxLabels = 256;

ParseResult<WorkflowJobPayload> parseWorkflowJob(std::string_view body);

}  // namespace lxdrunner::webhook
