// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/webhook/payload_writer.hpp"

#include <cstdint>

namespace lxdrunner::webhook {
namespace {

void appendKey(std::string& out, std::string_view key) {
  appendJsonString(out, key);
  out.push_back(':');
}

void appendStringOrNull(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    appendJsonString(out, text);
  }
}

void appendIdOrNull(std::string& out, std::uint64_t id) {
  out += id == 0 ? std::string("null") : std::to_string(id);
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out += "\\u00";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

std::string writeWorkflowJob(const WorkflowJobPayload& p) {
  std::string out = "{";
  appendKey(out, "action");
  appendJsonString(out, actionName(p.action));
  out += ",\"workflow_job\":{\"id\":" + std::to_string(p.job_id);
  out += ",\"run_id\":" + std::to_string(p.run_id);
  out += ",\"run_attempt\":" + std::to_string(p.run_attempt);
  out += ",\"labels\":[";
  for (std::size_t i = 0; i < p.labels.size(); ++i) {
    if (i > 0) out.push_back(',');
    appendJsonString(out, p.labels[i]);
  }
  out += "]";
  // ,"key":"text" (or null): the job's optional string members.
  const auto member = [&out](std::string_view key, std::string_view text) {
    out += ",";
    appendKey(out, key);
    appendStringOrNull(out, text);
  };
  member("status", p.status);
  member("conclusion", p.conclusion);
  out += ",";
  appendKey(out, "runner_id");
  appendIdOrNull(out, p.runner_id);
  member("runner_name", p.runner_name);
  member("workflow_name", p.workflow_name);
  member("name", p.job_name);
  member("head_branch", p.head_branch);
  out += "},";
  appendKey(out, "repository");
  out += "{";
  appendKey(out, "full_name");
  appendJsonString(out, p.repository);
  out += "}";
  if (!p.organization.empty()) {
    out += ",\"organization\":{";
    appendKey(out, "login");
    appendJsonString(out, p.organization);
    out += "}";
  }
  if (p.installation_id != 0) {
    out += ",\"installation\":{\"id\":" + std::to_string(p.installation_id) + "}";
  }
  out += "}";
  return out;
}

std::string writePing(const PingPayload& p) {
  std::string out = "{";
  appendKey(out, "zen");
  appendJsonString(out, p.zen);
  out += ",\"hook_id\":" + std::to_string(p.hook_id) + "}";
  return out;
}

}  // namespace lxdrunner::webhook
