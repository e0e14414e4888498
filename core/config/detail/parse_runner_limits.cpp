// SPDX-License-Identifier: Apache-2.0
#include <cctype>

#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

constexpr std::size_t kLongestPrefix = 31;

// ^[a-z][a-z0-9-]{0,30}$: the prefix starts LXD instance names and GitHub runner names, and LXD
// names must be valid host names, so it leaves room for the rest of the name.
bool isValidPrefix(const std::string& prefix) {
  if (prefix.empty() || prefix.size() > kLongestPrefix || prefix.front() < 'a' ||
      prefix.front() > 'z') {
    return false;
  }
  for (const char c : prefix) {
    const bool lower_alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!lower_alnum && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

void parseRunnerLimits(const MappingView& top, Config& config, DiagnosticSink& sink) {
  if (const Field* const field = top.find("prefix")) {
    if (const auto prefix = readString(*field, sink)) {
      if (isValidPrefix(*prefix)) {
        config.prefix = *prefix;
      } else {
        sink.error(positionOf(*field), field->path,
                   "must start with a lowercase letter, contain only a-z, 0-9 and '-', and be "
                   "at most 31 characters long (got " +
                       describeValue(field->value) + ")");
      }
    }
  }
  if (const Field* const field = top.find("max_workers")) {
    config.max_workers = readInt(*field, sink, 1).value_or(config.max_workers);
  }
  if (const Field* const field = top.find("cleanup")) {
    config.cleanup = readBool(*field, sink).value_or(config.cleanup);
  }
  if (const Field* const field = top.find("runner_scope")) {
    config.runner_scope = readEnum(*field, sink, kRunnerScopeNames).value_or(config.runner_scope);
  }
}

}  // namespace lxdrunner::config::detail
