// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

namespace lxdrunner::config::detail {

// What is wrong with `url` as the address of an HTTP API (GitHub, an LXD server), or nullopt
// when it is a plain http:// or https:// URL. The URL itself is not repeated in the answer, since
// a URL may carry credentials.
std::optional<std::string> httpUrlProblem(const std::string& url);

}  // namespace lxdrunner::config::detail
