// SPDX-License-Identifier: Apache-2.0
// How the operator commands show the API's answers to people: aligned tables and short lines.
#pragma once

#include <Poco/JSON/Object.h>

#include <iosfwd>
#include <string>
#include <vector>

namespace lxdrunner::cli {

void printAlignedTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows);
// "1h02m", "3m05s", "12.5s".
std::string humanDuration(double seconds);

void renderStatus(std::ostream& out, const Poco::JSON::Object& status);
void renderJobs(std::ostream& out, const Poco::JSON::Object& list);
void renderJob(std::ostream& out, const Poco::JSON::Object& job);
void renderInstances(std::ostream& out, const Poco::JSON::Object& list);
void renderDevices(std::ostream& out, const Poco::JSON::Object& list);

}  // namespace lxdrunner::cli
