// SPDX-License-Identifier: Apache-2.0
// The user.lxdrunner.* config keys every instance we create carries: they are how a
// restarted daemon finds its own instances among everything else on a shared LXD.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace lxdrunner::backends::tags {

inline constexpr const char* kManager = "user.lxdrunner.manager";
inline constexpr const char* kEntry = "user.lxdrunner.entry";
inline constexpr const char* kJob = "user.lxdrunner.job";
inline constexpr const char* kCreated = "user.lxdrunner.created";

// Now, UTC, RFC 3339 to the second ("2026-11-28T23:32:29Z").
std::string createdNow();

std::map<std::string, std::string> forLaunch(const std::string& manager, const std::string& entry,
                                             uint64_t job_id);

}  // namespace lxdrunner::backends::tags
