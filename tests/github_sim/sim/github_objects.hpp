// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "sim/json_util.hpp"
#include "sim/sim_state.hpp"

namespace lxdrunner::github_sim {

// Where the URLs inside objects point: the simulator plays both api.github.com and github.com.
struct SiteUrls {
  std::string api;   // e.g. "http://127.0.0.1:8080" (no trailing slash)
  std::string html;  // same host: the simulator has no separate web site
};

// GitHub's global node ids are base64("0<type-length>:<Type><id>"); clients treat them as
// opaque, but the same construction keeps them looking real.
std::string nodeId(const std::string& typeName, std::int64_t id);

// The user/organisation summary used for "owner" and "sender" (type "User" or "Organization").
JsonObject accountJson(SimState& state, const std::string& login, const std::string& type,
                       const SiteUrls& urls);
// The "organization" block of webhook payloads.
JsonObject organizationJson(SimState& state, const std::string& login, const SiteUrls& urls);
// The full "repository" block of webhook payloads, field for field as GitHub sends it.
JsonObject repositoryJson(SimState& state, const std::string& fullName, bool orgOwned,
                          const SiteUrls& urls);
// The short repository form inside workflow runs.
JsonObject minimalRepositoryJson(SimState& state, const std::string& fullName, bool orgOwned,
                                 const SiteUrls& urls);
JsonObject installationJson(std::int64_t installationId);

}  // namespace lxdrunner::github_sim
