// SPDX-License-Identifier: Apache-2.0
#include "operator_api/operator_api.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "dispatch/device_pools.hpp"
#include "dispatch/registration_scope.hpp"
#include "operator_api/bearer_token.hpp"
#include "operator_api/job_json.hpp"

namespace lxdrunner::operator_api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kPrefix = "/api/v1";
constexpr size_t kDefaultJobLimit = 100;
constexpr size_t kMaxJobLimit = 10000;
// A backend that does not list its instances in this time is reported, not waited for.
constexpr std::chrono::seconds kListBudget{10};

Object::Ptr newObject() {
  return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

ApiResponse jsonResponse(int status, const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  out << '\n';
  return ApiResponse{status, out.str(), {}};
}

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  for (const char c : path) {
    if (c == '/') {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  if (!part.empty()) parts.push_back(part);
  for (auto& p : parts) {
    std::string decoded;
    Poco::URI::decode(p, decoded);
    p = decoded;
  }
  return parts;
}

std::map<std::string, std::string> parseQuery(const std::string& query) {
  std::map<std::string, std::string> out;
  std::istringstream in(query);
  std::string pair;
  while (std::getline(in, pair, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key;
    std::string value;
    Poco::URI::decode(pair.substr(0, eq), key);
    if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value, true);
    out[key] = value;
  }
  return out;
}

ApiResponse methodNotAllowed(const std::string& allowed) {
  auto r = errorResponse(405, "method not allowed: use " + allowed);
  r.headers.emplace_back("Allow", allowed);
  return r;
}

constexpr jobs::JobState kAllStates[] = {
    jobs::JobState::Queued,    jobs::JobState::Launching, jobs::JobState::Provisioning,
    jobs::JobState::Running,   jobs::JobState::Completed, jobs::JobState::Failed,
    jobs::JobState::Cancelled,
};

}  // namespace

ApiResponse errorResponse(int status, const std::string& message) {
  Object::Ptr o = newObject();
  o->set("error", message);
  return jsonResponse(status, o);
}

OperatorApi::OperatorApi(OperatorApiContext context) : ctx_(std::move(context)) {}

int64_t OperatorApi::now() const {
  if (ctx_.now_ms) return ctx_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ApiResponse OperatorApi::handle(const ApiRequest& request) {
  if (!bearerMatches(request.authorization, ctx_.token)) {
    auto r = errorResponse(401,
                           "missing or wrong bearer token: send 'Authorization: Bearer "
                           "<operator_api.token>'");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lxdrunner\"");
    return r;
  }
  try {
    return route(request);
  } catch (const std::exception& e) {
    return errorResponse(500, e.what());
  }
}

ApiResponse OperatorApi::route(const ApiRequest& request) {
  const auto parts = splitPath(request.path);
  const std::string& m = request.method;
  if (parts.size() < 3 || "/" + parts[0] + "/" + parts[1] != kPrefix) {
    return errorResponse(404, "no such endpoint: " + request.path);
  }
  const std::string& what = parts[2];
  const size_t n = parts.size();
  if (what == "status" && n == 3) return m == "GET" ? status() : methodNotAllowed("GET");
  if (what == "jobs" && n == 3)
    return m == "GET" ? listJobs(request.query) : methodNotAllowed("GET");
  if (what == "jobs" && n == 4) return m == "GET" ? job(parts[3]) : methodNotAllowed("GET");
  if (what == "instances" && n == 3) return m == "GET" ? instances() : methodNotAllowed("GET");
  if (what == "instances" && n == 4) {
    return m == "DELETE" ? deleteInstance(parts[3]) : methodNotAllowed("DELETE");
  }
  if (what == "devices" && n == 3) return m == "GET" ? devices() : methodNotAllowed("GET");
  if (what == "runners" && n == 3) return m == "GET" ? runners() : methodNotAllowed("GET");
  if (what == "entries" && n == 5 && (parts[4] == "drain" || parts[4] == "resume")) {
    return m == "POST" ? drain(parts[3], parts[4] == "drain") : methodNotAllowed("POST");
  }
  if (what == "reconcile" && n == 3) return m == "POST" ? reconcile() : methodNotAllowed("POST");
  return errorResponse(404, "no such endpoint: " + request.path);
}

ApiResponse OperatorApi::status() {
  const auto& config = *ctx_.config;
  std::map<std::string, std::map<jobs::JobState, size_t>> counts;
  std::map<jobs::JobState, size_t> totals;
  for (const auto& c : ctx_.store->countByEntryAndState()) {
    counts[c.entry][c.state] += c.count;
    totals[c.state] += c.count;
  }
  Object::Ptr o = newObject();
  o->set("version", ctx_.version);
  o->set("started_at", isoTime(ctx_.started_at_ms));
  o->set("uptime_s", (now() - ctx_.started_at_ms) / 1000);
  o->set("max_workers", config.max_workers);
  o->set("slots_used", static_cast<Poco::UInt64>(ctx_.store->countSlotsAll()));
  o->set("launches_in_flight", static_cast<Poco::UInt64>(ctx_.dispatcher->launchesInFlight()));
  Array::Ptr entries = new Array();
  for (const auto& entry : config.runnermap) {
    Object::Ptr e = newObject();
    e->set("name", entry.name);
    Array::Ptr labels = new Array();
    for (const auto& l : entry.labels) labels->add(l);
    e->set("labels", labels);
    e->set("backend", entry.backend);
    e->set("provisioner", entry.provisioner);
    e->set("queued", static_cast<Poco::UInt64>(counts[entry.name][jobs::JobState::Queued]));
    e->set("slots_used", static_cast<Poco::UInt64>(ctx_.store->countSlots(entry.name)));
    e->set("max_workers", entry.max_workers);
    e->set("drained", ctx_.dispatcher->isDrained(entry.name));
    entries->add(e);
  }
  for (const auto& pool : ctx_.dispatcher->warmPools()) {
    Object::Ptr w = newObject();
    w->set("size", pool.size);
    w->set("served", pool.served);
    w->set("idle", static_cast<Poco::UInt64>(pool.idle));
    w->set("preparing", static_cast<Poco::UInt64>(pool.preparing));
    w->set("hits", static_cast<Poco::UInt64>(pool.hits));
    w->set("misses", static_cast<Poco::UInt64>(pool.misses));
    for (size_t i = 0; i < entries->size(); ++i) {
      auto e = entries->getObject(static_cast<unsigned>(i));
      if (e->getValue<std::string>("name") == pool.entry) e->set("warm_pool", w);
    }
  }
  o->set("entries", entries);
  Object::Ptr jobs = newObject();
  for (const auto state : kAllStates) {
    jobs->set(std::string(jobs::toString(state)), static_cast<Poco::UInt64>(totals[state]));
  }
  o->set("jobs", jobs);
  const auto& c = ctx_.dispatcher->counters();
  Object::Ptr counters = newObject();
  const std::pair<const char*, const std::atomic<uint64_t>*> values[] = {
      {"events", &c.events},
      {"duplicates", &c.duplicates},
      {"launches_started", &c.launches_started},
      {"launches_succeeded", &c.launches_succeeded},
      {"launch_failures", &c.launch_failures},
      {"jobs_failed", &c.jobs_failed},
      {"instances_destroyed", &c.instances_destroyed},
      {"cancelled_before_launch", &c.cancelled_before_launch},
      {"runner_swaps", &c.runner_swaps},
  };
  for (const auto& [name, value] : values) {
    counters->set(name, static_cast<Poco::UInt64>(value->load()));
  }
  o->set("counters", counters);
  return jsonResponse(200, o);
}

ApiResponse OperatorApi::listJobs(const std::string& query) {
  const auto params = parseQuery(query);
  size_t limit = kDefaultJobLimit;
  if (auto it = params.find("limit"); it != params.end()) {
    try {
      const long long n = std::stoll(it->second);
      if (n < 1) throw std::invalid_argument("limit");
      limit = static_cast<size_t>(n) > kMaxJobLimit ? kMaxJobLimit : static_cast<size_t>(n);
    } catch (const std::exception&) {
      return errorResponse(400, "limit must be a positive integer (got '" + it->second + "')");
    }
  }
  std::vector<jobs::JobRecord> records;
  std::string state_name = "unfinished";
  if (auto it = params.find("state"); it != params.end() && !it->second.empty()) {
    const auto state = jobs::jobStateFromString(it->second);
    if (!state) {
      return errorResponse(400, "unknown state '" + it->second +
                                    "': use queued, launching, provisioning, running, completed, "
                                    "failed or cancelled");
    }
    state_name = it->second;
    records = ctx_.store->byState(*state);
  } else {
    records = ctx_.store->unfinished();
  }
  // Oldest first; when there are more than `limit`, the newest ones are the interesting ones.
  const size_t skip = records.size() > limit ? records.size() - limit : 0;
  Array::Ptr list = new Array();
  for (size_t i = skip; i < records.size(); ++i) list->add(jobSummaryJson(records[i]));
  Object::Ptr o = newObject();
  o->set("state", state_name);
  o->set("total", static_cast<Poco::UInt64>(records.size()));
  o->set("jobs", list);
  return jsonResponse(200, o);
}

ApiResponse OperatorApi::job(const std::string& id_text) {
  uint64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoull(id_text, &used);
    if (used != id_text.size() || id_text.front() == '-') throw std::invalid_argument("id");
  } catch (const std::exception&) {
    return errorResponse(400, "job id must be a number (got '" + id_text + "')");
  }
  const auto record = ctx_.store->get(id);
  if (!record) return errorResponse(404, "job " + id_text + " is not in the job store");
  return jsonResponse(200, jobDetailJson(*record, ctx_.store->log(id)));
}

ApiResponse OperatorApi::instances() {
  // What each backend says exists, by backend then instance name.
  std::set<std::string> backends;
  for (const auto& entry : ctx_.config->runnermap) backends.insert(entry.backend);
  std::map<std::string, std::map<std::string, dispatch::InstanceInfo>> listed;
  Array::Ptr errors = new Array();
  const auto deadline = std::chrono::steady_clock::now() + kListBudget;
  for (const auto& backend : backends) {
    std::vector<dispatch::InstanceInfo> found;
    const auto r = ctx_.executor->list(backend, found, deadline);
    if (!r.ok()) {
      errors->add("backend " + backend + ": " + r.error);
      continue;
    }
    auto& by_name = listed[backend];
    for (auto& info : found) by_name[info.name] = std::move(info);
  }
  // What the backend says of an instance the store knows; it is then no orphan.
  auto takeListed = [&listed](Object::Ptr o, const std::string& backend_name,
                              const std::string& name) {
    auto backend = listed.find(backend_name);
    if (backend == listed.end()) {
      o->set("backend_status", "unknown");  // the backend could not be asked
      return;
    }
    auto info = backend->second.find(name);
    o->set("backend_status", info == backend->second.end() ? "missing" : info->second.status);
    if (info != backend->second.end()) {
      o->set("created", isoTime(info->second.created_ms));
      backend->second.erase(info);
    }
  };
  Array::Ptr list = new Array();
  for (const auto& job : ctx_.store->liveInstances()) {
    Object::Ptr o = newObject();
    o->set("name", job.instance);
    o->set("job_id", static_cast<Poco::UInt64>(job.job_id));
    o->set("job_state", std::string(jobs::toString(job.state)));
    o->set("entry", job.entry);
    o->set("backend", job.backend);
    o->set("remote", job.remote);
    o->set("runner_name", job.runner_name);
    o->set("launching", ctx_.dispatcher->isLaunching(job.instance));
    takeListed(o, job.backend, job.instance);
    list->add(o);
  }
  // Warm instances: their pool owns them until a job claims one.
  for (const auto& warm : ctx_.store->warmInstances()) {
    Object::Ptr o = newObject();
    o->set("name", warm.name);
    o->set("job_id", static_cast<Poco::UInt64>(0));
    o->set("job_state", "warm-" + std::string(jobs::toString(warm.state)));
    o->set("entry", warm.entry);
    o->set("backend", warm.backend);
    o->set("remote", warm.remote);
    o->set("runner_name", "");
    o->set("launching", ctx_.dispatcher->isLaunching(warm.name));
    o->set("frozen", warm.frozen);
    takeListed(o, warm.backend, warm.name);
    list->add(o);
  }
  // Instances with our manager tag that no job owns: the reconciler removes those with our
  // name pattern (reconciler.hpp); a person's stays until someone removes it.
  for (const auto& [backend, by_name] : listed) {
    for (const auto& [name, info] : by_name) {
      Object::Ptr o = newObject();
      o->set("name", name);
      o->set("job_id", static_cast<Poco::UInt64>(info.job_id));
      o->set("job_state", "");
      o->set("entry", info.entry);
      o->set("backend", backend);
      o->set("remote", info.remote);
      o->set("runner_name", "");
      o->set("launching", ctx_.dispatcher->isLaunching(name));
      o->set("backend_status", info.status);
      o->set("created", isoTime(info.created_ms));
      o->set("orphan", true);
      list->add(o);
    }
  }
  Object::Ptr o = newObject();
  o->set("instances", list);
  o->set("errors", errors);
  return jsonResponse(200, o);
}

// Every device pool item: free, or held by which instance (and that instance's job).
ApiResponse OperatorApi::devices() {
  Array::Ptr list = new Array();
  for (const auto& item : dispatch::deviceItemStatus(*ctx_.config, ctx_.store->deviceHolds(),
                                                     ctx_.dispatcher->unavailableDevices())) {
    Object::Ptr o = newObject();
    o->set("pool", item.pool);
    o->set("remote", item.remote);
    o->set("item", item.item);
    o->set("state", item.state());
    o->set("unavailable", item.unavailable);
    o->set("instance", item.instance);
    o->set("device", item.device);
    uint64_t job_id = 0;
    if (item.held) {
      if (const auto job = ctx_.store->byInstance(item.instance)) job_id = job->job_id;
      o->set("held_since", isoTime(item.held_at));
    }
    o->set("job_id", static_cast<Poco::UInt64>(job_id));
    list->add(o);
  }
  Object::Ptr o = newObject();
  o->set("items", list);
  return jsonResponse(200, o);
}

ApiResponse OperatorApi::runners() {
  if (ctx_.runners == nullptr) return errorResponse(503, "no GitHub client is configured");
  Array::Ptr list = new Array();
  Array::Ptr errors = new Array();
  // Where the recent jobs' runners registered: repositories and organisations, once each.
  std::set<std::string> scopes;
  for (const auto& place : ctx_.store->placesSince(now() - ctx_.runner_lookback_ms)) {
    scopes.insert(ctx_.config != nullptr ? dispatch::registrationScope(*ctx_.config, place)
                                         : "repos/" + place.repository);
  }
  for (const auto& scope : scopes) {
    std::string error;
    const auto found = ctx_.runners->runners(scope, error);
    if (!found) {
      errors->add(scope + ": " + error);
      continue;
    }
    const bool in_repository = scope.compare(0, 6, "repos/") == 0;
    for (const auto& runner : *found) {
      if (!ctx_.dispatcher->isOurs(runner.name)) continue;
      Object::Ptr o = newObject();
      o->set("scope", scope);
      o->set("repository", in_repository ? scope.substr(6) : std::string());
      o->set("id", static_cast<Poco::UInt64>(runner.id));
      o->set("name", runner.name);
      o->set("status", std::string(runner.online ? "online" : "offline"));
      o->set("busy", runner.busy);
      list->add(o);
    }
  }
  Object::Ptr o = newObject();
  o->set("runners", list);
  o->set("errors", errors);
  return jsonResponse(200, o);
}

ApiResponse OperatorApi::drain(const std::string& entry, bool drain) {
  if (ctx_.dispatcher->entry(entry) == nullptr) {
    return errorResponse(404, "no runnermap entry named '" + entry + "'");
  }
  if (drain) {
    ctx_.dispatcher->drain(entry);
  } else {
    ctx_.dispatcher->resume(entry);
  }
  Object::Ptr o = newObject();
  o->set("entry", entry);
  o->set("drained", ctx_.dispatcher->isDrained(entry));
  return jsonResponse(200, o);
}

ApiResponse OperatorApi::deleteInstance(const std::string& name) {
  const auto bound = ctx_.store->byInstance(name);
  if (!bound) return errorResponse(404, "no live instance named '" + name + "' in the job store");
  if (ctx_.dispatcher->isLaunching(name)) {
    return errorResponse(
        409, "instance '" + name + "' is being launched: try again when its launch has finished");
  }
  ctx_.dispatcher->cleanupInstance(*bound, "deleted through the operator API", true,
                                   /*force=*/true);
  Object::Ptr o = newObject();
  o->set("instance", name);
  o->set("job_id", static_cast<Poco::UInt64>(bound->job_id));
  o->set("status", "deleting");
  return jsonResponse(202, o);
}

ApiResponse OperatorApi::reconcile() {
  if (ctx_.reconciler == nullptr) return errorResponse(503, "the reconciler is not running");
  ctx_.reconciler->trigger();
  Object::Ptr o = newObject();
  o->set("status", "triggered");
  return jsonResponse(202, o);
}

}  // namespace lxdrunner::operator_api
