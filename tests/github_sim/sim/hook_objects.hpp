// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sim/github_objects.hpp"

namespace lxdrunner::github_sim {

// A repository/organisation webhook as GET /{scope}/hooks lists it (the secret is masked).
JsonObject hookJson(const Hook& hook, const SiteUrls& urls);
// The app hook configuration (GET /app/hook/config).
JsonObject hookConfigJson(const Hook& hook);
// A delivery summary; with detail, also the request and response (GET .../deliveries/{id}).
JsonObject deliveryJson(const Delivery& delivery, bool detail, const SiteUrls& urls);
// "Repository", "Organization" or "App": the hook.type GitHub reports.
std::string hookType(const Hook& hook);

}  // namespace lxdrunner::github_sim
