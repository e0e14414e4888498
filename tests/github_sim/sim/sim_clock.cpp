// SPDX-License-Identifier: Apache-2.0
#include "sim/sim_clock.hpp"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace lxdrunner::github_sim {

std::int64_t SimClock::nowSeconds() const {
  return Poco::Timestamp().epochTime() + offset_.load();
}

std::string isoTime(std::int64_t epochSeconds) {
  return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(epochSeconds),
                                         "%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace lxdrunner::github_sim
