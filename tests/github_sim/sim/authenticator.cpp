// SPDX-License-Identifier: Apache-2.0
#include "sim/authenticator.hpp"

#include <algorithm>
#include <mutex>

#include "sim/digests.hpp"
#include "sim/github_errors.hpp"

namespace lxdrunner::github_sim {
namespace {

// The credential after "token " or "Bearer " (schemes are case-insensitive); empty if none.
std::string credentialOf(const SimRequest& request) {
  const std::string header = request.header("authorization");
  const std::size_t space = header.find(' ');
  if (space == std::string::npos) return "";
  const std::string scheme = toLower(header.substr(0, space));
  if (scheme != "token" && scheme != "bearer") return "";
  std::string credential = header.substr(space + 1);
  credential.erase(0, credential.find_first_not_of(' '));
  return credential;
}

bool isPat(const SimContext& ctx, const std::string& credential) {
  const auto& configured = ctx.options.pats;
  const auto& added = ctx.state.extraPats;
  return std::find(configured.begin(), configured.end(), credential) != configured.end() ||
         std::find(added.begin(), added.end(), credential) != added.end();
}

// Caller holds the state lock.
std::string bucketLocked(SimContext& ctx, const std::string& credential) {
  if (isPat(ctx, credential)) return "pat:" + sha256Hex(credential).substr(0, 12);
  auto it = ctx.state.tokens.find(credential);
  if (it != ctx.state.tokens.end() && it->second.kind == "installation") {
    return "installation:" + std::to_string(it->second.installationId);
  }
  return "";
}

}  // namespace

std::string bucketForCredential(SimContext& ctx, const std::string& credential) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  return bucketLocked(ctx, credential);
}

AuthOutcome authenticate(SimContext& ctx, const SimRequest& request, Access access) {
  AuthOutcome outcome;
  if (access == Access::Open) {
    outcome.ok = true;
    return outcome;
  }
  const std::string credential = credentialOf(request);
  if (credential.empty()) {
    outcome.failure =
        request.header("authorization").empty() ? requiresAuthentication() : badCredentials();
    return outcome;
  }

  if (access == Access::AppJwt) {
    if (!looksLikeJwt(credential)) {
      outcome.failure = githubError(401, "A JSON web token could not be decoded");
      return outcome;
    }
    const JwtVerdict verdict = ctx.jwt.verify(credential, ctx.clock.nowSeconds());
    if (!verdict.accepted) {
      outcome.failure = githubError(401, verdict.message);
      return outcome;
    }
    outcome.ok = true;
    outcome.identity = {"app", "app:" + std::to_string(ctx.jwt.appId()), 0};
    return outcome;
  }

  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  if (isPat(ctx, credential)) {
    outcome.ok = true;
    outcome.identity = {"pat", bucketLocked(ctx, credential), 0};
    return outcome;
  }
  const IssuedToken* token =
      ctx.state.liveToken(credential, "installation", ctx.clock.nowSeconds());
  if (token != nullptr) {
    outcome.ok = true;
    outcome.identity = {"installation", bucketLocked(ctx, credential), token->installationId};
    return outcome;
  }
  outcome.failure = badCredentials();
  return outcome;
}

}  // namespace lxdrunner::github_sim
