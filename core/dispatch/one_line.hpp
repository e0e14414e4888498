// SPDX-License-Identifier: Apache-2.0
// Folding a multi-line error into the one line a job's last_error and a log line hold.
#pragma once

#include <string>

namespace lxdrunner::dispatch {

// Every non-blank line of `text`, trimmed, joined with " | ". Nothing is dropped: the first
// line names the plugin and the operation, the last often holds the cause.
std::string oneLine(const std::string& text);

}  // namespace lxdrunner::dispatch
