// SPDX-License-Identifier: Apache-2.0
// Turns the raw content of a JSON string the scanner has already validated into its value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lxdrunner::webhook::detail {

// Value of the 4 hex digits at p, or -1 if any is not a hex digit.
inline std::int32_t hex4(const char* p) noexcept {
  std::int32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    std::int32_t digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// Precondition: `raw` passed JsonScanner's string checks (escapes and surrogate pairs are
// well-formed), so nothing here can fail or read past the end.
void unescapeValidated(std::string_view raw, std::string& out);

}  // namespace lxdrunner::webhook::detail
