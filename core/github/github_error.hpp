// SPDX-License-Identifier: Apache-2.0
// A failed GitHub call, carrying GitHub's own message so an operator sees what GitHub said.
#pragma once

#include <stdexcept>
#include <string>

#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::github {

class GithubError : public std::runtime_error {
 public:
  enum class Kind {
    Transport,     // no HTTP answer (connection, TLS, timeout on the socket)
    Timeout,       // the caller's deadline passed (including while rate limited)
    Cancelled,     // the daemon is shutting down
    Unauthorized,  // 401: bad or expired credentials
    Forbidden,     // 403 that is not a rate limit: missing scope/permission
    NotFound,      // 404
    Conflict,      // 409 (e.g. a runner name that exists)
    Invalid,       // 422 and other 4xx
    RateLimited,   // 403/429 rate limits that outlasted the deadline
    Server,        // 5xx after retries
  };

  GithubError(Kind kind, int http_status, std::string github_message, const std::string& context);

  Kind kind() const noexcept { return kind_; }
  int httpStatus() const noexcept { return http_status_; }
  const std::string& githubMessage() const noexcept { return github_message_; }
  // The ABI status a plugin sees for this error.
  lxdr_status status() const noexcept;

 private:
  Kind kind_;
  int http_status_;
  std::string github_message_;
};

GithubError::Kind kindForStatus(int http_status);

}  // namespace lxdrunner::github
