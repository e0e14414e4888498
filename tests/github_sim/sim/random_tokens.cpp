// SPDX-License-Identifier: Apache-2.0
#include "sim/random_tokens.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

namespace lxdrunner::github_sim {

std::string randomBytes(std::size_t count) {
  std::string out(count, '\0');
  if (count > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

std::string randomAlphanumeric(std::size_t count, bool upperCaseOnly) {
  static const std::string kMixed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static const std::string kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const std::string& alphabet = upperCaseOnly ? kUpper : kMixed;
  const std::string raw = randomBytes(count);
  std::string out;
  out.reserve(count);
  for (char c : raw) {
    // The tiny modulo bias is irrelevant for test credentials.
    out.push_back(alphabet[static_cast<unsigned char>(c) % alphabet.size()]);
  }
  return out;
}

std::string newGuid() {
  std::string raw = randomBytes(16);
  raw[6] = static_cast<char>((static_cast<unsigned char>(raw[6]) & 0x0FU) | 0x40U);
  raw[8] = static_cast<char>((static_cast<unsigned char>(raw[8]) & 0x3FU) | 0x80U);
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const auto byte = static_cast<unsigned char>(raw[i]);
    out.push_back(kDigits[byte >> 4U]);
    out.push_back(kDigits[byte & 0x0FU]);
  }
  return out;
}

}  // namespace lxdrunner::github_sim
