// SPDX-License-Identifier: Apache-2.0
// The names this daemon gives instances, and so their runners: what ownership is decided on.
//  - a cold launch: "<prefix>-<job id>-<attempt><4 random [a-z0-9]>"
//  - a warm instance: "<prefix>-w-<8 random [a-z0-9]>"
// A name is parsed exactly, never matched on its prefix: "ci-gpu-..." is not a name of the
// daemon with prefix "ci", nor is a person's "ci-foo".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lxdrunner::dispatch {

inline constexpr size_t kColdTailLength = 4;
inline constexpr size_t kWarmTailLength = 8;

std::string coldInstanceName(const std::string& prefix, uint64_t job_id, int attempt,
                             const std::string& tail);
std::string warmInstanceName(const std::string& prefix, const std::string& tail);

struct GeneratedName {
  bool warm = false;
  uint64_t job_id = 0;  // cold names only
  int attempt = 0;      // cold names only
};
// What `name` says when it has one of the patterns above for `prefix`; nullopt otherwise.
std::optional<GeneratedName> parseInstanceName(const std::string& prefix, const std::string& name);

}  // namespace lxdrunner::dispatch
