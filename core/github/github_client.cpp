// SPDX-License-Identifier: Apache-2.0
#include "github/github_client.hpp"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <random>
#include <sstream>
#include <thread>

namespace lxdrunner::github {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kApiVersion = "2022-11-28";
constexpr int kMaxPages = 1000;

std::optional<int64_t> headerInt(const HttpAnswer& a, const std::string& name) {
  std::string v = a.header(name);
  if (v.empty()) return std::nullopt;
  try {
    return std::stoll(v);
  } catch (...) {
    return std::nullopt;
  }
}

RateLimitHeaders rateHeaders(const HttpAnswer& a) {
  RateLimitHeaders h;
  h.retry_after_s = headerInt(a, "retry-after");
  h.remaining = headerInt(a, "x-ratelimit-remaining");
  h.reset_unix_s = headerInt(a, "x-ratelimit-reset");
  h.limit = headerInt(a, "x-ratelimit-limit");
  return h;
}

bool idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "DELETE" || method == "PUT";
}

double jitter() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

int64_t nowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// GitHub's error body: {"message": "...", "documentation_url": "..."}.
std::string githubMessage(const std::string& body) {
  try {
    Poco::JSON::Parser parser;
    auto obj = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    if (obj && obj->has("message")) return obj->getValue<std::string>("message");
  } catch (...) {
    // Not JSON (a proxy's HTML error page): show a short prefix instead.
  }
  return body.substr(0, 200);
}

Poco::JSON::Object::Ptr parseObject(const std::string& body, const std::string& what) {
  try {
    Poco::JSON::Parser parser;
    auto obj = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    if (obj) return obj;
  } catch (const std::exception&) {
  }
  throw GithubError(GithubError::Kind::Invalid, 0, "the answer is not a JSON object", what);
}

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return {};
  return o->get(key).toString();
}

uint64_t u64(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return 0;
  return o->get(key).convert<Poco::UInt64>();
}

std::vector<std::string> labelNames(const Poco::JSON::Array::Ptr& labels) {
  std::vector<std::string> out;
  if (!labels) return out;
  for (size_t i = 0; i < labels->size(); ++i) {
    auto v = labels->get(static_cast<unsigned>(i));
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
      out.push_back(str(v.extract<Poco::JSON::Object::Ptr>(), "name"));
    } else {
      out.push_back(v.toString());
    }
  }
  return out;
}

RunnerInfo runnerFrom(const Poco::JSON::Object::Ptr& r) {
  RunnerInfo info;
  info.id = u64(r, "id");
  info.name = str(r, "name");
  info.os = str(r, "os");
  info.status = str(r, "status");
  info.busy = r->has("busy") && r->getValue<bool>("busy");
  info.ephemeral = r->has("ephemeral") && !r->isNull("ephemeral") && r->getValue<bool>("ephemeral");
  info.labels = labelNames(r->getArray("labels"));
  return info;
}

std::string jsonString(const std::string& s) {
  std::ostringstream out;
  Poco::JSON::Stringifier::formatString(s, out);
  return out.str();
}

Poco::JSON::Array::Ptr parseArray(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Array::Ptr>();
}

}  // namespace

std::string nextLink(const std::string& link_header, const std::string& prefix) {
  // <url>; rel="next", <url>; rel="last"
  size_t pos = 0;
  while (pos < link_header.size()) {
    size_t open = link_header.find('<', pos);
    if (open == std::string::npos) break;
    size_t close = link_header.find('>', open);
    if (close == std::string::npos) break;
    size_t end = link_header.find(',', close);
    std::string params = link_header.substr(
        close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string::npos) {
      Poco::URI uri(link_header.substr(open + 1, close - open - 1));
      std::string path = uri.getPathAndQuery();
      if (!prefix.empty() && path.compare(0, prefix.size(), prefix) == 0)
        path = path.substr(prefix.size());
      return path;
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return {};
}

GithubClient::GithubClient(ClientSettings settings)
    : settings_(std::move(settings)),
      transport_(TransportSettings{settings_.api_url, settings_.ca_file, "lxdrunner", 8}) {
  if (settings_.app) {
    // Fail at start-up, not at the first job, when the key is unusable.
    (void)appJwt();
  } else if (settings_.pat.empty()) {
    throw std::invalid_argument("no GitHub credentials: set pat or github_app");
  }
}

GithubClient::~GithubClient() = default;

std::string GithubClient::appJwt() const {
  std::istringstream pem(settings_.app->private_key_pem);
  Poco::SharedPtr<Poco::Crypto::RSAKey> key;
  try {
    key = new Poco::Crypto::RSAKey(nullptr, &pem);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("github_app.private_key is not a usable RSA private key (PEM): " +
                                e.displayText());
  }
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setIssuer(std::to_string(settings_.app->app_id));
  Poco::Timestamp now;
  // iat a minute in the past and exp under ten minutes ahead, as GitHub asks, for clock skew.
  token.setIssuedAt(now - Poco::Timespan(60, 0));
  token.setExpiration(now + Poco::Timespan(9 * 60, 0));
  Poco::JWT::Signer signer;
  signer.setRSAKey(key);
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

Clock::time_point GithubClient::deadlineOf(const RequestOptions& options) const {
  return options.deadline == Clock::time_point{} ? Clock::now() + settings_.default_deadline
                                                 : options.deadline;
}

void GithubClient::waitUntil(Clock::time_point until, Clock::time_point deadline,
                             const std::string& what) {
  if (until > deadline) {
    throw GithubError(GithubError::Kind::RateLimited, 0,
                      "GitHub asks to wait longer than the call's deadline allows", what);
  }
  while (Clock::now() < until) {
    if (settings_.shutting_down && settings_.shutting_down()) {
      throw GithubError(GithubError::Kind::Cancelled, 0, "the daemon is shutting down", what);
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(), milliseconds(100)));
  }
}

void GithubClient::forgetToken(uint64_t installation_id) {
  std::lock_guard<std::mutex> lock(token_mu_);
  tokens_.erase(installation_id);
}

std::string GithubClient::authorization(uint64_t installation_id, Clock::time_point deadline) {
  if (!settings_.app) return "Bearer " + settings_.pat;
  const uint64_t id = installation_id != 0 ? installation_id : settings_.app->installation_id;
  std::lock_guard<std::mutex> lock(token_mu_);  // single flight: one refresh at a time
  auto it = tokens_.find(id);
  if (it != tokens_.end() &&
      it->second.expires_at - std::chrono::system_clock::now() > settings_.token_refresh_margin) {
    return "Bearer " + it->second.token;
  }
  const std::string what = "GitHub App installation " + std::to_string(id) + " access token";
  auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  if (remaining.count() <= 0)
    throw GithubError(GithubError::Kind::Timeout, 0, "deadline passed", what);
  HttpAnswer a;
  try {
    a = transport_.send("POST", "/app/installations/" + std::to_string(id) + "/access_tokens",
                        {{"Accept", "application/vnd.github+json"},
                         {"X-GitHub-Api-Version", kApiVersion},
                         {"Authorization", "Bearer " + appJwt()}},
                        "", std::min(remaining, settings_.request_timeout));
  } catch (const Poco::Exception& e) {
    throw GithubError(GithubError::Kind::Transport, 0, e.displayText(), what);
  }
  ++stats_.requests;
  if (a.status != 201 && a.status != 200) {
    throw GithubError(kindForStatus(a.status), a.status, githubMessage(a.body), what);
  }
  auto obj = parseObject(a.body, what);
  CachedToken t;
  t.token = str(obj, "token");
  int tz = 0;
  Poco::DateTime expires =
      Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FORMAT, str(obj, "expires_at"), tz);
  t.expires_at = std::chrono::system_clock::from_time_t(expires.timestamp().epochTime());
  if (t.token.empty())
    throw GithubError(GithubError::Kind::Invalid, a.status, "no token in the answer", what);
  if (settings_.on_secret) settings_.on_secret(t.token);
  ++stats_.token_refreshes;
  tokens_[id] = t;
  return "Bearer " + t.token;
}

Response GithubClient::request(const std::string& method, const std::string& path,
                               const std::string& body, RequestOptions options) {
  const Clock::time_point deadline = deadlineOf(options);
  const std::string what = "GitHub " + method + " " + path;
  bool auth_retried = false;
  for (int attempt = 1;; ++attempt) {
    Clock::time_point blocked;
    {
      std::lock_guard<std::mutex> lock(gate_mu_);
      blocked = blocked_until_;
    }
    if (blocked > Clock::now()) waitUntil(blocked, deadline, what);
    if (settings_.shutting_down && settings_.shutting_down()) {
      throw GithubError(GithubError::Kind::Cancelled, 0, "the daemon is shutting down", what);
    }
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0)
      throw GithubError(GithubError::Kind::Timeout, 0, "deadline passed", what);

    std::map<std::string, std::string> headers{
        {"Accept", "application/vnd.github+json"},
        {"X-GitHub-Api-Version", kApiVersion},
        {"Authorization", authorization(options.installation_id, deadline)}};
    HttpAnswer a;
    try {
      a = transport_.send(method, path, headers, body,
                          std::min(remaining, settings_.request_timeout));
    } catch (const Poco::Exception& e) {
      if (idempotent(method) && attempt < settings_.max_attempts) {
        ++stats_.retries;
        waitUntil(Clock::now() + settings_.backoff_base * (1 << std::min(attempt - 1, 5)), deadline,
                  what);
        continue;
      }
      throw GithubError(GithubError::Kind::Transport, 0, e.displayText(), what);
    }
    ++stats_.requests;
    Response r;
    r.status = a.status;
    r.rate = rateHeaders(a);
    if (r.rate.remaining) stats_.rate_remaining = *r.rate.remaining;
    if (r.rate.limit) stats_.rate_limit = *r.rate.limit;

    if (a.status == 401 && settings_.app && !auth_retried) {
      // An installation token revoked or expired early: fetch a new one once.
      auth_retried = true;
      forgetToken(options.installation_id != 0 ? options.installation_id
                                               : settings_.app->installation_id);
      continue;
    }
    if (isRateLimited(a.status, r.rate, a.body)) {
      ++stats_.rate_limited;
      Clock::time_point until;
      {
        std::lock_guard<std::mutex> lock(gate_mu_);
        ++consecutive_limits_;
        auto wait =
            rateLimitWait(r.rate, nowUnix(), consecutive_limits_, jitter(), settings_.rate_limits);
        until = Clock::now() + wait;
        if (until > blocked_until_) blocked_until_ = until;
      }
      if (until > deadline) {
        throw GithubError(GithubError::Kind::RateLimited, a.status, githubMessage(a.body),
                          what + " (rate limited past the deadline)");
      }
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(gate_mu_);
      consecutive_limits_ = 0;
    }
    if (a.status >= 500 && idempotent(method) && attempt < settings_.max_attempts) {
      ++stats_.retries;
      auto backoff = settings_.backoff_base * (1 << std::min(attempt - 1, 5));
      backoff +=
          milliseconds(static_cast<int64_t>(static_cast<double>(backoff.count()) * jitter() * 0.5));
      waitUntil(std::min(Clock::now() + backoff, deadline), deadline, what);
      continue;
    }
    r.body = std::move(a.body);
    r.next_path = nextLink(a.header("link"), transport_.pathPrefix());
    return r;
  }
}

Response GithubClient::call(const std::string& method, const std::string& path,
                            const std::string& body, RequestOptions options) {
  Response r = request(method, path, body, options);
  if (r.status < 200 || r.status > 299) {
    throw GithubError(kindForStatus(r.status), r.status, githubMessage(r.body),
                      "GitHub " + method + " " + path);
  }
  return r;
}

std::string GithubClient::paginate(const std::string& path, const std::string& key,
                                   RequestOptions options) {
  Poco::JSON::Array all;
  std::string next = path;
  for (int page = 0; !next.empty(); ++page) {
    if (page >= kMaxPages) break;
    Response r = call("GET", next, {}, options);
    Poco::JSON::Array::Ptr items;
    if (key.empty()) {
      items = parseArray(r.body);
    } else {
      items = parseObject(r.body, "GitHub GET " + next)->getArray(key);
    }
    if (items) {
      for (size_t i = 0; i < items->size(); ++i) all.add(items->get(static_cast<unsigned>(i)));
    }
    next = r.next_path;
  }
  std::ostringstream out;
  all.stringify(out);
  return out.str();
}

JitConfig GithubClient::generateJitConfig(const std::string& scope, const std::string& name,
                                          const std::vector<std::string>& labels,
                                          uint64_t runner_group_id, const std::string& work_folder,
                                          RequestOptions options) {
  std::string body = "{\"name\":" + jsonString(name) + ",\"runner_group_id\":" +
                     std::to_string(runner_group_id == 0 ? 1 : runner_group_id) + ",\"labels\":[";
  for (size_t i = 0; i < labels.size(); ++i) body += (i ? "," : "") + jsonString(labels[i]);
  body += "]";
  if (!work_folder.empty()) body += ",\"work_folder\":" + jsonString(work_folder);
  body += "}";
  Response r = call("POST", "/" + scope + "/actions/runners/generate-jitconfig", body, options);
  auto obj = parseObject(r.body, "generate-jitconfig");
  JitConfig jit;
  jit.encoded_jit_config = str(obj, "encoded_jit_config");
  if (auto runner = obj->getObject("runner")) jit.runner_id = u64(runner, "id");
  if (settings_.on_secret) settings_.on_secret(jit.encoded_jit_config);
  return jit;
}

std::string GithubClient::runnerToken(const std::string& scope, const std::string& kind,
                                      RequestOptions options) {
  Response r = call("POST", "/" + scope + "/actions/runners/" + kind, {}, options);
  std::string token = str(parseObject(r.body, kind), "token");
  if (settings_.on_secret) settings_.on_secret(token);
  return token;
}

std::string GithubClient::registrationToken(const std::string& scope, RequestOptions options) {
  return runnerToken(scope, "registration-token", options);
}

std::string GithubClient::removeToken(const std::string& scope, RequestOptions options) {
  return runnerToken(scope, "remove-token", options);
}

std::vector<RunnerInfo> GithubClient::listRunners(const std::string& scope,
                                                  RequestOptions options) {
  auto items =
      parseArray(paginate("/" + scope + "/actions/runners?per_page=100", "runners", options));
  std::vector<RunnerInfo> out;
  for (size_t i = 0; i < items->size(); ++i)
    out.push_back(runnerFrom(items->getObject(static_cast<unsigned>(i))));
  return out;
}

std::optional<RunnerInfo> GithubClient::getRunner(const std::string& scope, uint64_t id,
                                                  RequestOptions options) {
  Response r = request("GET", "/" + scope + "/actions/runners/" + std::to_string(id), {}, options);
  if (r.status == 404) return std::nullopt;
  if (r.status != 200) {
    throw GithubError(kindForStatus(r.status), r.status, githubMessage(r.body),
                      "GitHub get runner");
  }
  return runnerFrom(parseObject(r.body, "get runner"));
}

bool GithubClient::deleteRunner(const std::string& scope, uint64_t id, RequestOptions options) {
  Response r =
      request("DELETE", "/" + scope + "/actions/runners/" + std::to_string(id), {}, options);
  if (r.status == 404) return false;
  if (r.status != 204 && r.status != 200) {
    throw GithubError(kindForStatus(r.status), r.status, githubMessage(r.body),
                      "GitHub delete runner");
  }
  return true;
}

std::vector<RunnerDownload> GithubClient::runnerDownloads(const std::string& scope,
                                                          RequestOptions options) {
  Response r = call("GET", "/" + scope + "/actions/runners/downloads", {}, options);
  auto items = parseArray(r.body);
  std::vector<RunnerDownload> out;
  for (size_t i = 0; i < items->size(); ++i) {
    auto o = items->getObject(static_cast<unsigned>(i));
    out.push_back({str(o, "os"), str(o, "architecture"), str(o, "download_url"), str(o, "filename"),
                   str(o, "sha256_checksum"), str(o, "temp_download_token")});
  }
  return out;
}

std::vector<uint64_t> GithubClient::queuedRunIds(const std::string& repo, RequestOptions options) {
  auto items = parseArray(paginate("/repos/" + repo + "/actions/runs?status=queued&per_page=100",
                                   "workflow_runs", options));
  std::vector<uint64_t> out;
  for (size_t i = 0; i < items->size(); ++i)
    out.push_back(u64(items->getObject(static_cast<unsigned>(i)), "id"));
  return out;
}

std::vector<WorkflowJobInfo> GithubClient::runJobs(const std::string& repo, uint64_t run_id,
                                                   RequestOptions options) {
  auto items = parseArray(paginate("/repos/" + repo + "/actions/runs/" + std::to_string(run_id) +
                                       "/jobs?filter=latest&per_page=100",
                                   "jobs", options));
  std::vector<WorkflowJobInfo> out;
  for (size_t i = 0; i < items->size(); ++i) {
    auto o = items->getObject(static_cast<unsigned>(i));
    WorkflowJobInfo j;
    j.id = u64(o, "id");
    j.run_id = u64(o, "run_id");
    j.run_attempt = static_cast<uint32_t>(u64(o, "run_attempt"));
    j.status = str(o, "status");
    j.labels = labelNames(o->getArray("labels"));
    j.runner_id = u64(o, "runner_id");
    j.runner_name = str(o, "runner_name");
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<HookDelivery> GithubClient::hookDeliveries(const std::string& hooks_path,
                                                       RequestOptions options) {
  auto items = parseArray(paginate("/" + hooks_path + "/deliveries?per_page=100", "", options));
  std::vector<HookDelivery> out;
  for (size_t i = 0; i < items->size(); ++i) {
    auto o = items->getObject(static_cast<unsigned>(i));
    HookDelivery d;
    d.id = u64(o, "id");
    d.guid = str(o, "guid");
    d.event = str(o, "event");
    d.action = str(o, "action");
    d.status = str(o, "status");
    d.status_code = static_cast<int>(u64(o, "status_code"));
    d.redelivery = o->has("redelivery") && o->getValue<bool>("redelivery");
    d.delivered_at = str(o, "delivered_at");
    out.push_back(std::move(d));
  }
  return out;
}

void GithubClient::redeliver(const std::string& hooks_path, uint64_t delivery_id,
                             RequestOptions options) {
  call("POST", "/" + hooks_path + "/deliveries/" + std::to_string(delivery_id) + "/attempts", {},
       options);
}

}  // namespace lxdrunner::github
