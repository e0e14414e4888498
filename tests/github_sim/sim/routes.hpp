// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sim/router.hpp"
#include "sim/sim_context.hpp"

namespace lxdrunner::github_sim {

// GitHub REST: self-hosted runners, JIT configs, tokens, runner downloads.
void addRunnerRoutes(Router& router, SimContext& ctx);
// GitHub REST: an organisation's runner groups, and /_sim/runner-groups that declares them.
void addRunnerGroupRoutes(Router& router, SimContext& ctx);
// GitHub REST: workflow runs and their jobs.
void addWorkflowRunRoutes(Router& router, SimContext& ctx);
// GitHub REST: repository listings (/installation/repositories, /user/repos) and the
// /_sim/repos control endpoint that declares repositories.
void addRepositoryRoutes(Router& router, SimContext& ctx);
// GitHub REST: repository/organisation hooks, the app hook and hook deliveries.
void addHookRoutes(Router& router, SimContext& ctx);
// GitHub REST: GitHub App endpoints (JWT) and /rate_limit.
void addAppRoutes(Router& router, SimContext& ctx);
// Simulator control: state, reset, settings, clock, rate limits, faults.
void addControlRoutes(Router& router, SimContext& ctx);
// Simulator control: jobs and webhooks on demand.
void addSimJobRoutes(Router& router, SimContext& ctx);
// Served files and their control endpoints.
void addDownloadRoutes(Router& router, SimContext& ctx);
// The runner protocol the stand-in runner speaks: session, acquire, complete, disconnect.
void addRunnerProtocolRoutes(Router& router, SimContext& ctx);

}  // namespace lxdrunner::github_sim
