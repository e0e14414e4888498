// SPDX-License-Identifier: Apache-2.0
#include "dispatch/instance_names.hpp"

#include <algorithm>
#include <charconv>

namespace lxdrunner::dispatch {

namespace {

// As std::to_string writes a number: digits, no leading zero.
bool allDigits(const std::string& s) {
  return !s.empty() && !(s.size() > 1 && s[0] == '0') &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool randomTail(const std::string& s, size_t length) {
  return s.size() == length && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
         });
}

template <typename T>
bool parseNumber(const std::string& s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::string coldInstanceName(const std::string& prefix, uint64_t job_id, int attempt,
                             const std::string& tail) {
  return prefix + "-" + std::to_string(job_id) + "-" + std::to_string(attempt) + tail;
}

std::string warmInstanceName(const std::string& prefix, const std::string& tail) {
  return prefix + "-w-" + tail;
}

std::optional<GeneratedName> parseInstanceName(const std::string& prefix, const std::string& name) {
  const std::string head = prefix + "-";
  if (name.size() <= head.size() || name.compare(0, head.size(), head) != 0) return std::nullopt;
  const std::string rest = name.substr(head.size());
  GeneratedName parsed;
  if (rest.compare(0, 2, "w-") == 0) {
    if (!randomTail(rest.substr(2), kWarmTailLength)) return std::nullopt;
    parsed.warm = true;
    return parsed;
  }
  // "<job id>-<attempt><tail>": the tail has a fixed length, so the attempt is what is left.
  const auto dash = rest.find('-');
  if (dash == std::string::npos) return std::nullopt;
  const std::string job = rest.substr(0, dash);
  const std::string attempt_and_tail = rest.substr(dash + 1);
  if (attempt_and_tail.size() <= kColdTailLength) return std::nullopt;
  const size_t attempt_length = attempt_and_tail.size() - kColdTailLength;
  const std::string attempt = attempt_and_tail.substr(0, attempt_length);
  if (!allDigits(job) || !allDigits(attempt) ||
      !randomTail(attempt_and_tail.substr(attempt_length), kColdTailLength) ||
      !parseNumber(job, parsed.job_id) || !parseNumber(attempt, parsed.attempt) ||
      parsed.attempt < 1) {
    return std::nullopt;
  }
  return parsed;
}

}  // namespace lxdrunner::dispatch
