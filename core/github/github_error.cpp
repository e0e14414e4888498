// SPDX-License-Identifier: Apache-2.0
#include "github/github_error.hpp"

#include <utility>

namespace lxdrunner::github {
namespace {

std::string describe(int http_status, const std::string& github_message,
                     const std::string& context) {
  std::string text = context;
  if (http_status > 0) text += ": HTTP " + std::to_string(http_status);
  if (!github_message.empty()) text += ": " + github_message;
  return text;
}

}  // namespace

GithubError::GithubError(Kind kind, int http_status, std::string github_message,
                         const std::string& context)
    : std::runtime_error(describe(http_status, github_message, context)),
      kind_(kind),
      http_status_(http_status),
      github_message_(std::move(github_message)) {}

GithubError::Kind kindForStatus(int http_status) {
  switch (http_status) {
    case 401:
      return GithubError::Kind::Unauthorized;
    case 403:
      return GithubError::Kind::Forbidden;
    case 404:
      return GithubError::Kind::NotFound;
    case 409:
      return GithubError::Kind::Conflict;
    case 429:
      return GithubError::Kind::RateLimited;
    default:
      break;
  }
  return http_status >= 500 ? GithubError::Kind::Server : GithubError::Kind::Invalid;
}

lxdr_status GithubError::status() const noexcept {
  switch (kind_) {
    case Kind::Transport:
    case Kind::Server:
    case Kind::RateLimited:
      return LXDR_ERR_TRANSIENT;
    case Kind::Timeout:
      return LXDR_ERR_TIMEOUT;
    case Kind::Cancelled:
      return LXDR_ERR_CANCELLED;
    case Kind::NotFound:
      return LXDR_ERR_NOT_FOUND;
    case Kind::Conflict:
      return LXDR_ERR_ALREADY_EXISTS;
    case Kind::Unauthorized:
    case Kind::Forbidden:
    case Kind::Invalid:
      return LXDR_ERR_INVALID_ARGUMENT;
  }
  return LXDR_ERR_INTERNAL;
}

}  // namespace lxdrunner::github
