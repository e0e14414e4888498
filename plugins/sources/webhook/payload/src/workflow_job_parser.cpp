// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/webhook/workflow_job_parser.hpp"

#include <cstdint>
#include <string>

#include "payload_reader.hpp"

namespace lxdrunner::webhook {
namespace {

using detail::PayloadReader;
using Null = PayloadReader::Null;

constexpr std::uint64_t kAnyUint64 = UINT64_MAX;
constexpr std::uint64_t kAnyUint32 = UINT32_MAX;

// One bit per extracted key and object, for duplicate and missing-field checks.
enum TopKey : std::uint32_t {
  kAction = 1u << 0,
  kWorkflowJob = 1u << 1,
  kRepository = 1u << 2,
  kOrganization = 1u << 3,
  kInstallation = 1u << 4,
};
enum JobKey : std::uint32_t {
  kId = 1u << 0,
  kRunId = 1u << 1,
  kRunAttempt = 1u << 2,
  kLabels = 1u << 3,
  kStatus = 1u << 4,
  kConclusion = 1u << 5,
  kRunnerId = 1u << 6,
  kRunnerName = 1u << 7,
  kWorkflowName = 1u << 8,
  kName = 1u << 9,
  kHeadBranch = 1u << 10,
};
constexpr std::uint32_t kOnlyKey = 1u;  // repository.full_name, organization.login, installation.id

struct Seen {
  std::uint32_t top = 0;
  std::uint32_t job = 0;
  std::uint32_t repository = 0;
};

void readJob(PayloadReader& r, WorkflowJobPayload& out, Seen& seen) {
  std::string_view key;
  while (r.json().nextMember(key)) {
    if (key == "id") {
      r.markSeen(seen.job, kId, "workflow_job.id");
      r.readUnsigned("workflow_job.id", out.job_id, kAnyUint64, Null::kRejected);
    } else if (key == "run_id") {
      r.markSeen(seen.job, kRunId, "workflow_job.run_id");
      r.readUnsigned("workflow_job.run_id", out.run_id, kAnyUint64, Null::kRejected);
    } else if (key == "run_attempt") {
      r.markSeen(seen.job, kRunAttempt, "workflow_job.run_attempt");
      std::uint64_t attempt = out.run_attempt;
      r.readUnsigned("workflow_job.run_attempt", attempt, kAnyUint32, Null::kAllowed);
      out.run_attempt = static_cast<std::uint32_t>(attempt);  // range checked above
    } else if (key == "labels") {
      r.markSeen(seen.job, kLabels, "workflow_job.labels");
      r.readStringArray("workflow_job.labels", out.labels, kMaxLabels);
    } else if (key == "status") {
      r.markSeen(seen.job, kStatus, "workflow_job.status");
      r.readString("workflow_job.status", out.status, Null::kAllowed);
    } else if (key == "conclusion") {
      r.markSeen(seen.job, kConclusion, "workflow_job.conclusion");
      r.readString("workflow_job.conclusion", out.conclusion, Null::kAllowed);
    } else if (key == "runner_id") {
      r.markSeen(seen.job, kRunnerId, "workflow_job.runner_id");
      r.readUnsigned("workflow_job.runner_id", out.runner_id, kAnyUint64, Null::kAllowed);
    } else if (key == "runner_name") {
      r.markSeen(seen.job, kRunnerName, "workflow_job.runner_name");
      r.readString("workflow_job.runner_name", out.runner_name, Null::kAllowed);
    } else if (key == "workflow_name") {
      r.markSeen(seen.job, kWorkflowName, "workflow_job.workflow_name");
      r.readString("workflow_job.workflow_name", out.workflow_name, Null::kAllowed);
    } else if (key == "name") {
      r.markSeen(seen.job, kName, "workflow_job.name");
      r.readString("workflow_job.name", out.job_name, Null::kAllowed);
    } else if (key == "head_branch") {
      r.markSeen(seen.job, kHeadBranch, "workflow_job.head_branch");
      r.readString("workflow_job.head_branch", out.head_branch, Null::kAllowed);
    } else {
      r.json().skipValue();
    }
  }
}

// Objects of which we want one key: repository.full_name, organization.login, installation.id.
template <class ReadValue>
void readOneKey(PayloadReader& r, std::string_view wanted, std::string_view field,
                std::uint32_t& seen, ReadValue read_value) {
  std::string_view key;
  while (r.json().nextMember(key)) {
    if (key == wanted) {
      r.markSeen(seen, kOnlyKey, field);
      read_value();
    } else {
      r.json().skipValue();
    }
  }
}

// Only printable ASCII of an unknown action goes into the message, and not too much of it:
// the message ends up in logs and in the HTTP answer.
std::string quoteForMessage(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const char c = text[i];
    out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  }
  if (text.size() > kMax) out += "...";
  return out + "\"";
}

std::optional<ParseError> missing(const char* field) {
  return ParseError{ParseErrorKind::kMissingField, ParseError::kNoPosition,
                    std::string("missing ") + field};
}

std::optional<ParseError> checkComplete(const Seen& seen, bool action_known,
                                        const std::string& action, std::size_t action_at) {
  if ((seen.top & kAction) == 0) return missing("action");
  if (!action_known) {
    return ParseError{ParseErrorKind::kUnknownAction, action_at,
                      "unknown action " + quoteForMessage(action)};
  }
  if ((seen.top & kWorkflowJob) == 0) return missing("workflow_job");
  if ((seen.job & kId) == 0) return missing("workflow_job.id");
  if ((seen.job & kRunId) == 0) return missing("workflow_job.run_id");
  if ((seen.job & kLabels) == 0) return missing("workflow_job.labels");
  if ((seen.top & kRepository) == 0) return missing("repository");
  if ((seen.repository & kOnlyKey) == 0) return missing("repository.full_name");
  return std::nullopt;
}

}  // namespace

ParseResult<WorkflowJobPayload> parseWorkflowJob(std::string_view body) {
  PayloadReader r(body);
  WorkflowJobPayload out;
  Seen seen;
  std::string action;
  std::size_t action_at = 0;
  std::uint32_t organization_seen = 0;
  std::uint32_t installation_seen = 0;

  if (r.enterObject("body", Null::kRejected)) {
    std::string_view key;
    while (r.json().nextMember(key)) {
      if (key == "action") {
        r.markSeen(seen.top, kAction, "action");
        r.json().peek();  // skip whitespace so the position is the value's
        action_at = r.json().position();
        r.readString("action", action, Null::kRejected);
      } else if (key == "workflow_job") {
        r.markSeen(seen.top, kWorkflowJob, "workflow_job");
        if (r.enterObject("workflow_job", Null::kRejected)) readJob(r, out, seen);
      } else if (key == "repository") {
        r.markSeen(seen.top, kRepository, "repository");
        if (r.enterObject("repository", Null::kRejected)) {
          readOneKey(r, "full_name", "repository.full_name", seen.repository, [&] {
            r.readString("repository.full_name", out.repository, Null::kRejected);
          });
        }
      } else if (key == "organization") {
        r.markSeen(seen.top, kOrganization, "organization");
        if (r.enterObject("organization", Null::kAllowed)) {
          readOneKey(r, "login", "organization.login", organization_seen,
                     [&] { r.readString("organization.login", out.organization, Null::kAllowed); });
        }
      } else if (key == "installation") {
        r.markSeen(seen.top, kInstallation, "installation");
        if (r.enterObject("installation", Null::kAllowed)) {
          readOneKey(r, "id", "installation.id", installation_seen, [&] {
            r.readUnsigned("installation.id", out.installation_id, kAnyUint64, Null::kAllowed);
          });
        }
      } else {
        r.json().skipValue();
      }
    }
  }
  if (auto error = r.finish()) return std::move(*error);

  const auto known = actionFromName(action);
  if (known) out.action = *known;
  if (auto error = checkComplete(seen, known.has_value(), action, action_at)) {
    return std::move(*error);
  }
  return out;
}

}  // namespace lxdrunner::webhook
