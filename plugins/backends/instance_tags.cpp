// SPDX-License-Identifier: Apache-2.0
#include "instance_tags.hpp"

#include <ctime>

namespace lxdrunner::backends::tags {

std::string createdNow() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::map<std::string, std::string> forLaunch(const std::string& manager, const std::string& entry,
                                             uint64_t job_id) {
  return {{kManager, manager},
          {kEntry, entry},
          {kJob, std::to_string(job_id)},
          {kCreated, createdNow()}};
}

}  // namespace lxdrunner::backends::tags
