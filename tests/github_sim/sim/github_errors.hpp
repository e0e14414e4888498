// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "sim/http_types.hpp"

namespace lxdrunner::github_sim {

// GitHub's error body: {"message", "documentation_url", "status"} (status as a string, as
// api.github.com sends it since 2023).
SimResponse githubError(int status, const std::string& message,
                        const std::string& documentationUrl = "https://docs.github.com/rest");

SimResponse notFound();
SimResponse badCredentials();
SimResponse requiresAuthentication();
SimResponse validationFailed(const std::string& detail);

// The texts GitHub uses for its rate limits; clients match on them.
extern const char* const kSecondaryLimitMessage;
extern const char* const kRateLimitDocs;
extern const char* const kSecondaryLimitDocs;

}  // namespace lxdrunner::github_sim
