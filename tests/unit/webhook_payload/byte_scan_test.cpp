// SPDX-License-Identifier: Apache-2.0
// The word-at-a-time and SSE2 scans must stop exactly where the plain byte loop stops, for
// every kind of special byte at every offset and alignment (only one of them runs in a
// given build, so each is checked here directly).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "lxdrunner/webhook/detail/byte_scan.hpp"

using namespace lxdrunner::webhook::detail;

namespace {

const unsigned char kSpecials[] = {'"', '\\', 0x00, 0x01, 0x1F, 0x80, 0xC3, 0xFF};
const unsigned char kPlains[] = {' ', '!', '#', '[', ']', '~', 0x7F, 'a'};
const unsigned char kNotSpaces[] = {'\n', '\t', '"', 'a', 0x00, 0xA0};

std::size_t naiveSpaceRun(const unsigned char* p, std::size_t n) {
  std::size_t k = 0;
  while (k < n && p[k] == ' ') ++k;
  return k;
}

}  // namespace

TEST_CASE("plainPrefix variants agree with the byte loop", "[byte-scan]") {
  for (std::size_t offset = 0; offset < 8; ++offset) {  // alignment of the start
    for (std::size_t length = 0; length <= 70; ++length) {
      for (std::size_t at = 0; at <= length; ++at) {  // at == length: no special byte
        for (unsigned char special : kSpecials) {
          std::vector<unsigned char> buffer(offset + length);
          for (std::size_t k = 0; k < length; ++k) {
            buffer[offset + k] = kPlains[(k + at) % sizeof kPlains];
          }
          if (at < length) buffer[offset + at] = special;
          const unsigned char* p = buffer.data() + offset;
          const std::size_t expected = plainPrefixBytewise(p, length);
          REQUIRE(expected == at);
          REQUIRE(plainPrefixWords(p, length) == expected);
#if defined(__SSE2__)
          REQUIRE(plainPrefixSse2(p, length) == expected);
#endif
          REQUIRE(plainPrefix(p, length) == expected);
        }
      }
    }
  }
}

TEST_CASE("plainPrefix finds the first of several special bytes", "[byte-scan]") {
  // Borrows in the word tricks can mark bytes after a real hit; the first must still win.
  const std::string text = std::string(21, 'x') + "\x01\"\\\x80" + std::string(20, 'y');
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  CHECK(plainPrefixWords(p, text.size()) == 21u);
  CHECK(plainPrefix(p, text.size()) == 21u);
}

TEST_CASE("spaceRunLength agrees with the byte loop", "[byte-scan]") {
  for (std::size_t length = 0; length <= 40; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      for (unsigned char other : kNotSpaces) {
        std::vector<unsigned char> buffer(length, ' ');
        if (at < length) buffer[at] = other;
        REQUIRE(spaceRunLength(buffer.data(), length) == naiveSpaceRun(buffer.data(), length));
      }
    }
  }
}
