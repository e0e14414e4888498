// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/webhook/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <cstddef>
#include <cstdint>

namespace lxdrunner::webhook {
namespace {

constexpr std::string_view kPrefix = "sha256=";
constexpr size_t kDigestSize = 32;
constexpr size_t kHeaderSize = kPrefix.size() + 2 * kDigestSize;

bool hmacSha256(std::string_view secret, std::string_view body,
                unsigned char (&digest)[kDigestSize]) {
  if (secret.size() > static_cast<size_t>(INT_MAX)) return false;
  // OpenSSL wants non-null pointers even for empty input; a string_view may hold nullptr.
  static const unsigned char kEmpty = 0;
  const void* key = secret.empty() ? &kEmpty : static_cast<const void*>(secret.data());
  const unsigned char* data =
      body.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(body.data());
  unsigned int length = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key, static_cast<int>(secret.size()), data, body.size(), digest, &length);
  return result != nullptr && length == kDigestSize;
}

// Decodes one lowercase hex digit without branching on its value, so a malformed header
// takes as long as a well-formed one. `invalid` gets 1 ORed in for any other byte.
unsigned hexDigitValue(unsigned char c, unsigned& invalid) noexcept {
  const int v = c;
  // The sign bit of (v - lo) | (hi - v) is set exactly when v is outside [lo, hi].
  const unsigned outside_digit = static_cast<unsigned>((v - '0') | ('9' - v)) >> 31;
  const unsigned outside_lower = static_cast<unsigned>((v - 'a') | ('f' - v)) >> 31;
  const unsigned digit_mask = (outside_digit ^ 1u) * 0xFFu;
  const unsigned lower_mask = (outside_lower ^ 1u) * 0xFFu;
  invalid |= outside_digit & outside_lower;
  return (static_cast<unsigned>(v - '0') & digit_mask) |
         (static_cast<unsigned>(v - 'a' + 10) & lower_mask);
}

}  // namespace

bool verifySignature256(std::string_view secret, std::string_view body,
                        std::string_view header_value) {
  if (header_value.size() != kHeaderSize || secret.empty()) return false;

  unsigned invalid = CRYPTO_memcmp(header_value.data(), kPrefix.data(), kPrefix.size()) != 0;
  unsigned char given[kDigestSize];
  const auto* hex = reinterpret_cast<const unsigned char*>(header_value.data() + kPrefix.size());
  for (size_t i = 0; i < kDigestSize; ++i) {
    const unsigned high = hexDigitValue(hex[2 * i], invalid);
    const unsigned low = hexDigitValue(hex[2 * i + 1], invalid);
    given[i] = static_cast<unsigned char>((high << 4) | low);
  }

  unsigned char expected[kDigestSize];
  if (!hmacSha256(secret, body, expected)) return false;
  const unsigned differs = CRYPTO_memcmp(given, expected, kDigestSize) != 0;
  OPENSSL_cleanse(expected, sizeof expected);
  return (invalid | differs) == 0;
}

std::string signature256(std::string_view secret, std::string_view body) {
  unsigned char digest[kDigestSize];
  if (!hmacSha256(secret, body, digest)) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kPrefix);
  out.reserve(kHeaderSize);
  for (unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0F]);
  }
  return out;
}

}  // namespace lxdrunner::webhook
