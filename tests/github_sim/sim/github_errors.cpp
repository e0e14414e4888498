// SPDX-License-Identifier: Apache-2.0
#include "sim/github_errors.hpp"

#include "sim/json_util.hpp"

namespace lxdrunner::github_sim {

const char* const kSecondaryLimitMessage =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID "
    "0000:0000:0000000:0000000:00000000.";
const char* const kRateLimitDocs =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";
const char* const kSecondaryLimitDocs =
    "https://docs.github.com/free-pro-team@latest/rest/overview/"
    "rate-limits-for-the-rest-api#about-secondary-rate-limits";

SimResponse githubError(int status, const std::string& message,
                        const std::string& documentationUrl) {
  JsonObject body = newObject();
  body->set("message", message);
  body->set("documentation_url", documentationUrl);
  body->set("status", std::to_string(status));
  return jsonResponse(status, body);
}

SimResponse notFound() {
  return githubError(404, "Not Found");
}

SimResponse badCredentials() {
  return githubError(401, "Bad credentials");
}

SimResponse requiresAuthentication() {
  return githubError(401, "Requires authentication");
}

SimResponse validationFailed(const std::string& detail) {
  return githubError(422, "Invalid request.\n\n" + detail);
}

}  // namespace lxdrunner::github_sim
