// SPDX-License-Identifier: Apache-2.0
// UTF-8 as RFC 3629 defines it: the checks the scanner applies to raw string bytes, and the
// encoder the unescaper uses for \uXXXX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lxdrunner::webhook::detail {

// Length (2-4) of the well-formed sequence starting at p[0] >= 0x80, or 0 if it is not one:
// stray continuation bytes, overlong forms (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates
// (ED A0..BF), code points above U+10FFFF (F4 90.., F5..FF) and truncated sequences.
inline std::size_t utf8SequenceLength(const unsigned char* p, std::size_t available) noexcept {
  const unsigned lead = p[0];
  auto continuation = [&](std::size_t k) { return k < available && (p[k] & 0xC0u) == 0x80u; };
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  // The second byte's range is narrower for some leads; the table is RFC 3629 section 4.
  unsigned low = 0x80, high = 0xBF;
  std::size_t length = 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) high = 0x9F;  // U+D800..U+DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (available < length || p[1] < low || p[1] > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (!continuation(k)) return 0;
  }
  return length;
}

// Appends a Unicode scalar value (never a surrogate; the scanner rejects lone ones).
inline void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace lxdrunner::webhook::detail
