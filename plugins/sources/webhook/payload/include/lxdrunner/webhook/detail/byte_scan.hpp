// SPDX-License-Identifier: Apache-2.0
// The scanner's hot loops, which decide the parse time.
//
// plainPrefix(): how many bytes at the start of a buffer need no attention inside a JSON
// string, i.e. are not '"', '\\', a control character (< 0x20) or non-ASCII (>= 0x80).
// Payloads are mostly long URL strings: 16 bytes per step with SSE2 (part of every x86-64
// CPU), else 8 per step with portable word tricks. Both find the exact first special byte,
// so no byte-by-byte loop follows a hit.
//
// spaceRunLength(): the indentation of pretty-printed JSON (the fixtures; GitHub itself
// sends compact bodies), 8 spaces per step.
//
// Public only so the tests can check each variant against the plain loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lxdrunner::webhook::detail {

inline bool isStringSpecial(unsigned char c) noexcept {
  return c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
}

// Reference version, and the tail of the others.
inline std::size_t plainPrefixBytewise(const unsigned char* p, std::size_t n) noexcept {
  std::size_t k = 0;
  while (k < n && !isStringSpecial(p[k])) ++k;
  return k;
}

// 8 bytes per step. Each term below sets the high bit of a byte that matches; borrows can
// only mark bytes *after* a real match, so the lowest marked byte is the first special one.
inline std::size_t plainPrefixWords(const unsigned char* p, std::size_t n) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t k = 0;
  for (; n - k >= 8; k += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + k, sizeof word);
    const std::uint64_t quote = word ^ (kOnes * '"');
    const std::uint64_t backslash = word ^ (kOnes * '\\');
    const std::uint64_t hits = (((word - kOnes * 0x20) & ~word) | ((quote - kOnes) & ~quote) |
                                ((backslash - kOnes) & ~backslash) | word) &
                               kHighs;
    if (hits != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return k + static_cast<std::size_t>(__builtin_ctzll(hits)) / 8;
#else
      break;  // byte order unknown: let the byte loop find it within these 8
#endif
    }
  }
  return k + plainPrefixBytewise(p + k, n - k);
}

#if defined(__SSE2__)
// The last < 16 bytes of a buffer. Kept out of line: inlined, its registers would make
// every string scan save and restore more of them.
[[gnu::noinline]] inline std::size_t plainPrefixTail(const unsigned char* p,
                                                     std::size_t n) noexcept {
  return plainPrefixWords(p, n);
}

// 16 bytes per step. A signed compare with 0x20 catches both control bytes and bytes
// >= 0x80 (negative as int8), so three compares cover all four cases.
inline std::size_t plainPrefixSse2(const unsigned char* p, std::size_t n) noexcept {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  std::size_t k = 0;
  for (; n - k >= 16; k += 16) {
    __m128i chunk;
    std::memcpy(&chunk, p + k, sizeof chunk);
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
                     _mm_cmplt_epi8(chunk, space));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) return k + static_cast<std::size_t>(__builtin_ctz(mask));
  }
  return k + plainPrefixTail(p + k, n - k);
}
#endif

inline std::size_t plainPrefix(const unsigned char* p, std::size_t n) noexcept {
#if defined(__SSE2__)
  return plainPrefixSse2(p, n);
#else
  return plainPrefixWords(p, n);
#endif
}

inline std::size_t spaceRunLength(const unsigned char* p, std::size_t n) noexcept {
  std::size_t k = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  constexpr std::uint64_t kSpaces = 0x2020202020202020ULL;
  for (; n - k >= 8; k += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + k, sizeof word);
    const std::uint64_t others = word ^ kSpaces;  // non-zero bytes are not spaces
    if (others != 0) return k + static_cast<std::size_t>(__builtin_ctzll(others)) / 8;
  }
#endif
  while (k < n && p[k] == ' ') ++k;
  return k;
}

}  // namespace lxdrunner::webhook::detail
