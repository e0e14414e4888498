// SPDX-License-Identifier: Apache-2.0
#include "sim/state_snapshot.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace lxdrunner::github_sim {
namespace {

std::string str(const JsonObject& o, const std::string& key, const std::string& fallback = "") {
  return optString(o, key).value_or(fallback);
}

std::int64_t num(const JsonObject& o, const std::string& key, std::int64_t fallback = 0) {
  return optInt(o, key).value_or(fallback);
}

bool flag(const JsonObject& o, const std::string& key, bool fallback = false) {
  return optBool(o, key).value_or(fallback);
}

std::vector<std::string> list(const JsonObject& o, const std::string& key) {
  return optStringList(o, key).value_or(std::vector<std::string>{});
}

JsonArray headerArray(const HeaderList& headers) {
  JsonArray out = newArray();
  for (const auto& [name, value] : headers) {
    JsonArray pair = newArray();
    pair->add(name);
    pair->add(value);
    out->add(pair);
  }
  return out;
}

HeaderList headersFrom(const JsonObject& o, const std::string& key) {
  HeaderList out;
  if (!o->has(key)) return out;
  JsonArray array = o->getArray(key);
  if (array.isNull()) return out;
  for (unsigned int i = 0; i < array->size(); ++i) {
    JsonArray pair = array->getArray(i);
    if (!pair.isNull() && pair->size() == 2) {
      out.emplace_back(pair->get(0).toString(), pair->get(1).toString());
    }
  }
  return out;
}

template <typename Fn>
void forEachObject(const JsonObject& snapshot, const std::string& key, Fn fn) {
  if (!snapshot->has(key)) return;
  JsonArray array = snapshot->getArray(key);
  if (array.isNull()) throw BadInput("state: \"" + key + "\" must be an array");
  for (unsigned int i = 0; i < array->size(); ++i) {
    JsonObject item = array->getObject(i);
    if (item.isNull()) throw BadInput("state: \"" + key + "\" items must be objects");
    fn(item);
  }
}

JsonObject runnerState(const Runner& r, bool forFile) {
  JsonObject o = newObject();
  o->set("id", r.id);
  o->set("name", r.name);
  o->set("scope", r.scope.apiPath());
  o->set("os", r.os);
  o->set("status", r.status);
  o->set("busy", r.busy);
  o->set("ephemeral", r.ephemeral);
  o->set("labels", stringArray(r.labels));
  o->set("runner_group_id", r.groupId);
  o->set("runner_group_name", r.groupName);
  o->set("work_folder", r.workFolder);
  o->set("registered_via", r.registeredVia);
  o->set("jit_used", r.jitUsed);
  o->set("job_id", r.jobId);
  o->set("created_at", r.createdAt);
  if (forFile) o->set("jit_token", r.jitToken);
  return o;
}

Runner runnerFrom(const JsonObject& o) {
  Runner r;
  r.id = num(o, "id");
  r.name = str(o, "name");
  r.scope = Scope::fromKey(str(o, "scope"));
  r.os = str(o, "os", "unknown");
  r.status = str(o, "status", "offline");
  r.busy = flag(o, "busy");
  r.ephemeral = flag(o, "ephemeral", true);
  r.labels = list(o, "labels");
  r.groupId = num(o, "runner_group_id", 1);
  r.groupName = str(o, "runner_group_name", "Default");
  r.workFolder = str(o, "work_folder", "_work");
  r.registeredVia = str(o, "registered_via");
  r.jitUsed = flag(o, "jit_used");
  r.jobId = num(o, "job_id");
  r.createdAt = num(o, "created_at");
  r.jitToken = str(o, "jit_token");
  return r;
}

JsonObject jobState(const Job& j) {
  JsonObject o = newObject();
  o->set("id", j.id);
  o->set("run_id", j.runId);
  o->set("run_attempt", j.runAttempt);
  o->set("repo", j.repo);
  o->set("org", j.org);
  o->set("installation_id", j.installationId);
  o->set("name", j.name);
  o->set("workflow_name", j.workflowName);
  o->set("head_branch", j.headBranch);
  o->set("head_sha", j.headSha);
  o->set("labels", stringArray(j.labels));
  o->set("status", j.status);
  o->set("conclusion", stringOrNull(j.conclusion));
  o->set("runner_id", j.runnerId);
  o->set("runner_name", j.runnerName);
  o->set("runner_group_id", j.runnerGroupId);
  o->set("runner_group_name", j.runnerGroupName);
  o->set("created_at", j.createdAt);
  o->set("started_at", j.startedAt);
  o->set("completed_at", j.completedAt);
  o->set("sequence", j.sequence);
  return o;
}

Job jobFrom(const JsonObject& o) {
  Job j;
  j.id = num(o, "id");
  j.runId = num(o, "run_id");
  j.runAttempt = num(o, "run_attempt", 1);
  j.repo = str(o, "repo");
  j.org = str(o, "org");
  j.installationId = num(o, "installation_id");
  j.name = str(o, "name", "build");
  j.workflowName = str(o, "workflow_name", "CI");
  j.headBranch = str(o, "head_branch", "main");
  j.headSha = str(o, "head_sha");
  j.labels = list(o, "labels");
  j.status = str(o, "status", "queued");
  j.conclusion = str(o, "conclusion");
  j.runnerId = num(o, "runner_id");
  j.runnerName = str(o, "runner_name");
  j.runnerGroupId = num(o, "runner_group_id");
  j.runnerGroupName = str(o, "runner_group_name");
  j.createdAt = num(o, "created_at");
  j.startedAt = num(o, "started_at");
  j.completedAt = num(o, "completed_at");
  j.sequence = num(o, "sequence");
  return j;
}

JsonObject runState(const WorkflowRun& r) {
  JsonObject o = newObject();
  o->set("id", r.id);
  o->set("repo", r.repo);
  o->set("org", r.org);
  o->set("run_number", r.runNumber);
  o->set("run_attempt", r.runAttempt);
  o->set("name", r.name);
  o->set("head_branch", r.headBranch);
  o->set("head_sha", r.headSha);
  o->set("created_at", r.createdAt);
  o->set("updated_at", r.updatedAt);
  JsonArray ids = newArray();
  for (std::int64_t id : r.jobIds) ids->add(id);
  o->set("job_ids", ids);
  return o;
}

WorkflowRun runFrom(const JsonObject& o) {
  WorkflowRun r;
  r.id = num(o, "id");
  r.repo = str(o, "repo");
  r.org = str(o, "org");
  r.runNumber = num(o, "run_number");
  r.runAttempt = num(o, "run_attempt", 1);
  r.name = str(o, "name", "CI");
  r.headBranch = str(o, "head_branch", "main");
  r.headSha = str(o, "head_sha");
  r.createdAt = num(o, "created_at");
  r.updatedAt = num(o, "updated_at");
  JsonArray ids = o->getArray("job_ids");
  for (unsigned int i = 0; !ids.isNull() && i < ids->size(); ++i) {
    r.jobIds.push_back(ids->get(i).convert<std::int64_t>());
  }
  return r;
}

JsonObject hookState(const Hook& h, bool forFile) {
  JsonObject o = newObject();
  o->set("id", h.id);
  o->set("app", h.isApp);
  o->set("scope", h.isApp ? std::string() : h.scope.apiPath());
  o->set("name", h.name);
  o->set("url", h.url);
  o->set("content_type", h.contentType);
  o->set("insecure_ssl", h.insecureSsl);
  o->set("events", stringArray(h.events));
  o->set("active", h.active);
  o->set("created_at", h.createdAt);
  o->set("updated_at", h.updatedAt);
  o->set("last_response_code", h.lastResponseCode);
  o->set("last_response_status", h.lastResponseStatus);
  o->set("last_response_message", h.lastResponseMessage);
  if (forFile) o->set("secret", h.secret);
  return o;
}

Hook hookFrom(const JsonObject& o) {
  Hook h;
  h.id = num(o, "id");
  h.isApp = flag(o, "app");
  if (!h.isApp) h.scope = Scope::fromKey(str(o, "scope"));
  h.name = str(o, "name", "web");
  h.url = str(o, "url");
  h.secret = str(o, "secret");
  h.contentType = str(o, "content_type", "json");
  h.insecureSsl = str(o, "insecure_ssl", "0");
  h.events = list(o, "events");
  h.active = flag(o, "active", true);
  h.createdAt = num(o, "created_at");
  h.updatedAt = num(o, "updated_at");
  h.lastResponseCode = static_cast<int>(num(o, "last_response_code"));
  h.lastResponseStatus = str(o, "last_response_status", "unused");
  h.lastResponseMessage = str(o, "last_response_message");
  return h;
}

JsonObject deliveryState(const Delivery& d, bool forFile) {
  JsonObject o = newObject();
  o->set("id", d.id);
  o->set("guid", d.guid);
  o->set("hook_id", d.hookId);
  o->set("event", d.event);
  o->set("action", stringOrNull(d.action));
  o->set("delivered_at", d.deliveredAt);
  o->set("redelivery", d.redelivery);
  o->set("pending", d.pending);
  o->set("duration", d.durationSeconds);
  o->set("status", d.status);
  o->set("status_code", d.statusCode);
  o->set("installation_id", d.installationId);
  o->set("repository_id", d.repositoryId);
  o->set("job_id", d.jobId);
  o->set("request_headers", headerArray(d.requestHeaders));
  if (forFile) {
    o->set("request_body", d.requestBody);
    o->set("response_headers", headerArray(d.responseHeaders));
    o->set("response_body", d.responseBody);
  }
  return o;
}

Delivery deliveryFrom(const JsonObject& o) {
  Delivery d;
  d.id = num(o, "id");
  d.guid = str(o, "guid");
  d.hookId = num(o, "hook_id");
  d.event = str(o, "event");
  d.action = str(o, "action");
  d.deliveredAt = num(o, "delivered_at");
  d.redelivery = flag(o, "redelivery");
  d.pending = flag(o, "pending");
  if (o->has("duration")) d.durationSeconds = o->getValue<double>("duration");
  d.status = str(o, "status");
  d.statusCode = static_cast<int>(num(o, "status_code"));
  d.installationId = num(o, "installation_id");
  d.repositoryId = num(o, "repository_id");
  d.jobId = num(o, "job_id");
  d.requestHeaders = headersFrom(o, "request_headers");
  d.requestBody = str(o, "request_body");
  d.responseHeaders = headersFrom(o, "response_headers");
  d.responseBody = str(o, "response_body");
  if (d.pending) {
    // The previous process died before sending it; say so instead of pretending.
    d.pending = false;
    d.status = "not sent (simulator restarted)";
  }
  return d;
}

JsonObject counterMap(const std::map<std::string, std::int64_t>& counts) {
  JsonObject o = newObject();
  for (const auto& [key, value] : counts) o->set(key, value);
  return o;
}

void counterMapFrom(const JsonObject& snapshot, const std::string& key,
                    std::map<std::string, std::int64_t>& out) {
  JsonObject o = optObject(snapshot, key);
  if (o.isNull()) return;
  for (const auto& name : o->getNames()) out[name] = num(o, name);
}

// Id sources and name->id maps, so ids stay unique across restarts.
JsonObject counters(const SimState& s) {
  JsonObject o = newObject();
  o->set("next_runner_id", s.nextRunnerId);
  o->set("next_small_job_id", s.nextSmallJobId);
  o->set("next_large_job_id", s.nextLargeJobId);
  o->set("jobs_created", s.jobsCreated);
  o->set("job_sequence", s.jobSequence);
  o->set("next_run_id", s.nextRunId);
  o->set("next_run_number", s.nextRunNumber);
  o->set("next_hook_id", s.nextHookId);
  o->set("next_delivery_id", s.nextDeliveryId);
  o->set("next_account_id", s.nextAccountId);
  o->set("next_repository_id", s.nextRepositoryId);
  o->set("next_label_id", s.nextLabelId);
  o->set("account_ids", counterMap(s.accountIds));
  o->set("repository_ids", counterMap(s.repositoryIds));
  o->set("label_ids", counterMap(s.labelIds));
  return o;
}

void countersFrom(const JsonObject& o, SimState& s) {
  if (o.isNull()) return;
  s.nextRunnerId = num(o, "next_runner_id", s.nextRunnerId);
  s.nextSmallJobId = num(o, "next_small_job_id", s.nextSmallJobId);
  s.nextLargeJobId = num(o, "next_large_job_id", s.nextLargeJobId);
  s.jobsCreated = num(o, "jobs_created", s.jobsCreated);
  s.jobSequence = num(o, "job_sequence", s.jobSequence);
  s.nextRunId = num(o, "next_run_id", s.nextRunId);
  s.nextRunNumber = num(o, "next_run_number", s.nextRunNumber);
  s.nextHookId = num(o, "next_hook_id", s.nextHookId);
  s.nextDeliveryId = num(o, "next_delivery_id", s.nextDeliveryId);
  s.nextAccountId = num(o, "next_account_id", s.nextAccountId);
  s.nextRepositoryId = num(o, "next_repository_id", s.nextRepositoryId);
  s.nextLabelId = num(o, "next_label_id", s.nextLabelId);
  counterMapFrom(o, "account_ids", s.accountIds);
  counterMapFrom(o, "repository_ids", s.repositoryIds);
  counterMapFrom(o, "label_ids", s.labelIds);
}

JsonObject tokenState(const IssuedToken& t, bool forFile) {
  JsonObject o = newObject();
  if (forFile) o->set("token", t.token);
  o->set("kind", t.kind);
  o->set("scope", t.kind == "installation" ? std::string() : t.scope.apiPath());
  o->set("installation_id", t.installationId);
  o->set("expires_at", t.expiresAt);
  return o;
}

IssuedToken tokenFrom(const JsonObject& o) {
  IssuedToken t;
  t.token = str(o, "token");
  t.kind = str(o, "kind");
  if (t.kind != "installation") t.scope = Scope::fromKey(str(o, "scope"));
  t.installationId = num(o, "installation_id");
  t.expiresAt = num(o, "expires_at");
  return t;
}

}  // namespace

JsonObject stateSnapshot(SimContext& ctx, bool forFile) {
  SimState& s = ctx.state;
  JsonObject out = newObject();
  out->set("format", "lxdrunner-github-sim-state/1");
  out->set("now", ctx.clock.nowSeconds());
  JsonArray runners = newArray();
  for (const auto& [id, r] : s.runners) runners->add(runnerState(r, forFile));
  out->set("runners", runners);
  JsonArray jobs = newArray();
  for (const auto& [id, j] : s.jobs) jobs->add(jobState(j));
  out->set("jobs", jobs);
  JsonArray runs = newArray();
  for (const auto& [id, r] : s.runs) runs->add(runState(r));
  out->set("runs", runs);
  JsonArray hooks = newArray();
  for (const auto& [id, h] : s.hooks) hooks->add(hookState(h, forFile));
  out->set("hooks", hooks);
  JsonArray deliveries = newArray();
  for (const auto& [id, d] : s.deliveries) deliveries->add(deliveryState(d, forFile));
  out->set("deliveries", deliveries);
  JsonArray tokens = newArray();
  for (const auto& [value, t] : s.tokens) tokens->add(tokenState(t, forFile));
  out->set("tokens", tokens);
  out->set("request_counts", counterMap(s.requestCounts));
  out->set("api_versions", counterMap(s.apiVersions));
  out->set("accept_headers", counterMap(s.acceptHeaders));
  if (forFile) {
    out->set("extra_pats", stringArray(s.extraPats));
    JsonArray repositories = newArray();
    for (const auto& [key, r] : s.repositories) {
      JsonObject o = newObject();
      o->set("full_name", r.fullName);
      o->set("org", r.orgOwned);
      o->set("archived", r.archived);
      o->set("disabled", r.disabled);
      o->set("private", r.isPrivate);
      o->set("installation_id", r.installationId);
      repositories->add(o);
    }
    out->set("repositories", repositories);
    out->set("counters", counters(s));
  }
  return out;
}

void restoreSnapshot(SimContext& ctx, const JsonObject& snapshot) {
  if (str(snapshot, "format") != "lxdrunner-github-sim-state/1") {
    throw BadInput("not a github-sim state file");
  }
  SimState& s = ctx.state;
  try {
    forEachObject(snapshot, "runners", [&](const JsonObject& o) {
      Runner r = runnerFrom(o);
      s.runners[r.id] = r;
    });
    forEachObject(snapshot, "jobs", [&](const JsonObject& o) {
      Job j = jobFrom(o);
      s.jobs[j.id] = j;
    });
    forEachObject(snapshot, "runs", [&](const JsonObject& o) {
      WorkflowRun r = runFrom(o);
      s.runs[r.id] = r;
    });
    forEachObject(snapshot, "hooks", [&](const JsonObject& o) {
      Hook h = hookFrom(o);
      s.hooks[h.id] = h;
    });
    forEachObject(snapshot, "deliveries", [&](const JsonObject& o) {
      Delivery d = deliveryFrom(o);
      s.deliveries[d.id] = d;
    });
    forEachObject(snapshot, "tokens", [&](const JsonObject& o) {
      IssuedToken t = tokenFrom(o);
      s.tokens[t.token] = t;
    });
  } catch (const std::invalid_argument& e) {
    throw BadInput(std::string("state: ") + e.what());
  }
  counterMapFrom(snapshot, "request_counts", s.requestCounts);
  counterMapFrom(snapshot, "api_versions", s.apiVersions);
  counterMapFrom(snapshot, "accept_headers", s.acceptHeaders);
  s.extraPats = list(snapshot, "extra_pats");
  forEachObject(snapshot, "repositories", [&](const JsonObject& o) {
    Repository r;
    r.fullName = str(o, "full_name");
    r.orgOwned = flag(o, "org");
    r.archived = flag(o, "archived");
    r.disabled = flag(o, "disabled");
    r.isPrivate = flag(o, "private");
    r.installationId = num(o, "installation_id");
    if (!r.fullName.empty()) s.repositories[toLower(r.fullName)] = r;
  });
  countersFrom(optObject(snapshot, "counters"), s);
}

void writeFileAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + temporary);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename " + temporary + " to " + path);
  }
}

}  // namespace lxdrunner::github_sim
