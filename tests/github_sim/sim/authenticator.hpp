// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "sim/http_types.hpp"
#include "sim/router.hpp"
#include "sim/sim_context.hpp"

namespace lxdrunner::github_sim {

struct AuthOutcome {
  bool ok = false;
  Identity identity;
  SimResponse failure;  // GitHub's 401 when !ok
};

// Checks the Authorization header ("token X" or "Bearer X") against what the route needs:
// PATs and unexpired installation tokens for REST routes, a valid App JWT for /app routes.
// Takes ctx.state.mutex itself.
AuthOutcome authenticate(SimContext& ctx, const SimRequest& request, Access access);

// The rate-limit bucket of a credential ("pat:<hash>", "installation:<id>"); empty if unknown.
std::string bucketForCredential(SimContext& ctx, const std::string& credential);

}  // namespace lxdrunner::github_sim
