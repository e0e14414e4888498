// SPDX-License-Identifier: Apache-2.0
#include "operator_api/job_json.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include "observability/job_phases.hpp"

namespace lxdrunner::operator_api {

std::string isoTime(int64_t unix_ms) {
  if (unix_ms <= 0) return {};
  const Poco::Timestamp t(static_cast<Poco::Timestamp::TimeVal>(unix_ms) * 1000);
  return Poco::DateTimeFormatter::format(t, "%Y-%m-%dT%H:%M:%S.%iZ");
}

Poco::JSON::Object::Ptr jobSummaryJson(const jobs::JobRecord& job) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("job_id", static_cast<Poco::UInt64>(job.job_id));
  o->set("state", std::string(jobs::toString(job.state)));
  o->set("entry", job.entry);
  o->set("repository", job.repository);
  Poco::JSON::Array::Ptr labels = new Poco::JSON::Array();
  for (const auto& l : job.labels) labels->add(l);
  o->set("labels", labels);
  o->set("run_id", static_cast<Poco::UInt64>(job.run_id));
  o->set("run_attempt", static_cast<Poco::UInt64>(job.run_attempt));
  o->set("organization", job.organization);
  o->set("workflow_name", job.workflow_name);
  o->set("job_name", job.job_name);
  o->set("head_branch", job.head_branch);
  o->set("instance", job.instance);
  o->set("instance_live", job.hasLiveInstance());
  o->set("backend", job.backend);
  o->set("remote", job.remote);
  o->set("runner_name", job.runner_name);
  o->set("source", job.source);
  o->set("attempts", job.attempts);
  o->set("served_warm", job.served_warm);
  o->set("last_error", job.last_error);
  Poco::JSON::Object::Ptr times = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  const std::pair<const char*, int64_t> stamps[] = {{"queued", job.queued_at},
                                                    {"launching", job.launching_at},
                                                    {"provisioning", job.provisioning_at},
                                                    {"running", job.running_at},
                                                    {"finished", job.finished_at},
                                                    {"instance_gone", job.instance_gone_at}};
  for (const auto& [name, ms] : stamps) {
    Poco::JSON::Object::Ptr t = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    t->set("unix_ms", static_cast<Poco::Int64>(ms));
    t->set("time", isoTime(ms));
    times->set(name, t);
  }
  o->set("timestamps", times);
  return o;
}

Poco::JSON::Object::Ptr jobDetailJson(const jobs::JobRecord& job, const std::string& log) {
  auto o = jobSummaryJson(job);
  Poco::JSON::Object::Ptr phases = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  // Completed or not: the detail view shows whatever phases have both ends.
  jobs::JobRecord as_completed = job;
  as_completed.state = jobs::JobState::Completed;
  for (const auto& [phase, seconds] : observability::jobPhaseDurations(as_completed)) {
    phases->set(phase, seconds);
  }
  o->set("phase_seconds", phases);
  o->set("log", log);
  return o;
}

}  // namespace lxdrunner::operator_api
