// SPDX-License-Identifier: Apache-2.0
// How the operator API shows a job: the store's record with its phase timestamps (Unix ms and
// ISO 8601 UTC) and, for the detail view, the phase durations and the provisioning log.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

#include "jobs/job_store.hpp"

namespace lxdrunner::operator_api {

// "2026-11-29T03:09:19.123Z"; "" for 0.
std::string isoTime(int64_t unix_ms);

Poco::JSON::Object::Ptr jobSummaryJson(const jobs::JobRecord& job);
// The summary plus "phases" (name → seconds) and "log".
Poco::JSON::Object::Ptr jobDetailJson(const jobs::JobRecord& job, const std::string& log);

}  // namespace lxdrunner::operator_api
