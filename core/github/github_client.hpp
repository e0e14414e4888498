// SPDX-License-Identifier: Apache-2.0
// GitHub REST client: PAT or GitHub App credentials, rate limits handled as GitHub documents,
// pagination through the Link header, typed errors carrying GitHub's message. Thread-safe;
// one instance serves the whole daemon.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "github/github_error.hpp"
#include "github/http_transport.hpp"
#include "github/rate_limit_policy.hpp"

namespace lxdrunner::github {

struct GithubAppCredentials {
  int64_t app_id = 0;
  uint64_t installation_id = 0;  // the default installation to act as
  std::string private_key_pem;
};

struct ClientSettings {
  std::string api_url = "https://api.github.com";
  std::string pat;                          // used when app is empty
  std::optional<GithubAppCredentials> app;  // preferred when set
  std::string ca_file;
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds default_deadline{120000};  // when the caller gives none
  int max_attempts = 5;  // for 5xx/transport errors on idempotent calls
  std::chrono::milliseconds backoff_base{500};
  RateLimitSettings rate_limits;
  std::chrono::seconds token_refresh_margin{600};     // refresh installation tokens this early
  std::function<bool()> shutting_down;                // polled while waiting
  std::function<void(const std::string&)> on_secret;  // new tokens, for log redaction
};

struct Response {
  int status = 0;
  std::string body;
  std::string next_path;  // Link rel="next", relative to the API base; empty on the last page
  RateLimitHeaders rate;
};

struct RequestOptions {
  std::chrono::steady_clock::time_point deadline{};  // epoch = settings.default_deadline
  uint64_t installation_id = 0;                      // 0 = the configured default
};

struct RunnerInfo {
  uint64_t id = 0;
  std::string name;
  std::string os;
  std::string status;  // online | offline
  bool busy = false;
  bool ephemeral = false;
  std::vector<std::string> labels;
};

struct JitConfig {
  uint64_t runner_id = 0;
  std::string encoded_jit_config;  // secret
};

struct RunnerDownload {
  std::string os;
  std::string architecture;
  std::string download_url;
  std::string filename;
  std::string sha256_checksum;
  std::string temp_download_token;
};

struct WorkflowJobInfo {
  uint64_t id = 0;
  uint64_t run_id = 0;
  uint32_t run_attempt = 0;
  std::string status;
  std::vector<std::string> labels;
  uint64_t runner_id = 0;
  std::string runner_name;
};

struct HookDelivery {
  uint64_t id = 0;
  std::string guid;
  std::string event;
  std::string action;
  std::string status;  // "OK" or an error text
  int status_code = 0;
  bool redelivery = false;
  std::string delivered_at;
};

class GithubClient {
 public:
  explicit GithubClient(ClientSettings settings);
  ~GithubClient();
  GithubClient(const GithubClient&) = delete;
  GithubClient& operator=(const GithubClient&) = delete;

  // One REST call with credentials, retries and rate-limit waits within the deadline.
  // Non-2xx answers are returned, not thrown; only "no answer" (transport failure,
  // deadline, shutdown, credentials that cannot be obtained) throws GithubError.
  Response request(const std::string& method, const std::string& path, const std::string& body = {},
                   RequestOptions options = {});
  // As request(), but a non-2xx answer throws GithubError with GitHub's message.
  Response call(const std::string& method, const std::string& path, const std::string& body = {},
                RequestOptions options = {});
  // Follows Link rel="next" and concatenates the array found under `key` (or the top-level
  // array when key is empty) of every page, as JSON text.
  std::string paginate(const std::string& path, const std::string& key,
                       RequestOptions options = {});

  // Typed operations. `scope` is "repos/OWNER/REPO" or "orgs/ORG".
  JitConfig generateJitConfig(const std::string& scope, const std::string& name,
                              const std::vector<std::string>& labels, uint64_t runner_group_id,
                              const std::string& work_folder, RequestOptions options = {});
  std::string registrationToken(const std::string& scope, RequestOptions options = {});
  std::string removeToken(const std::string& scope, RequestOptions options = {});
  std::vector<RunnerInfo> listRunners(const std::string& scope, RequestOptions options = {});
  std::optional<RunnerInfo> getRunner(const std::string& scope, uint64_t id,
                                      RequestOptions options = {});
  // True when deleted, false when it was already gone.
  bool deleteRunner(const std::string& scope, uint64_t id, RequestOptions options = {});
  std::vector<RunnerDownload> runnerDownloads(const std::string& scope,
                                              RequestOptions options = {});
  std::vector<uint64_t> queuedRunIds(const std::string& repo, RequestOptions options = {});
  std::vector<WorkflowJobInfo> runJobs(const std::string& repo, uint64_t run_id,
                                       RequestOptions options = {});
  // hooks_path: "app/hook" or "{scope}/hooks/{hook_id}".
  std::vector<HookDelivery> hookDeliveries(const std::string& hooks_path,
                                           RequestOptions options = {});
  void redeliver(const std::string& hooks_path, uint64_t delivery_id, RequestOptions options = {});

  // True with GitHub App credentials, false with a PAT.
  bool usesApp() const noexcept { return settings_.app.has_value(); }

  // The JWT that authenticates as the App itself (RS256, iat = now - 60 s, exp = now + 9 min).
  std::string appJwt() const;

  struct Stats {
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> rate_limited{0};
    std::atomic<uint64_t> retries{0};
    std::atomic<uint64_t> token_refreshes{0};
    std::atomic<int64_t> rate_remaining{-1};
    std::atomic<int64_t> rate_limit{-1};  // x-ratelimit-limit of the latest answer
  };
  const Stats& stats() const noexcept { return stats_; }

 private:
  std::string authorization(uint64_t installation_id,
                            std::chrono::steady_clock::time_point deadline);
  void forgetToken(uint64_t installation_id);
  // POST /{scope}/actions/runners/{kind} → its `token` (registration-token, remove-token).
  std::string runnerToken(const std::string& scope, const std::string& kind,
                          RequestOptions options);
  void waitUntil(std::chrono::steady_clock::time_point until,
                 std::chrono::steady_clock::time_point deadline, const std::string& what);
  std::chrono::steady_clock::time_point deadlineOf(const RequestOptions& options) const;

  ClientSettings settings_;
  HttpTransport transport_;
  Stats stats_;

  // While rate limited, every request waits here: one answer blocks the whole client, so
  // a limit never turns into a storm of retries from many threads.
  std::mutex gate_mu_;
  std::chrono::steady_clock::time_point blocked_until_{};
  int consecutive_limits_ = 0;

  struct CachedToken {
    std::string token;
    std::chrono::system_clock::time_point expires_at;
  };
  std::mutex token_mu_;
  std::map<uint64_t, CachedToken> tokens_;
};

// Parses a Link header and returns the target of rel="next" made relative to `prefix`
// (the API base path); empty when there is none.
std::string nextLink(const std::string& link_header, const std::string& prefix);

}  // namespace lxdrunner::github
