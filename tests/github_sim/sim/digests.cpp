// SPDX-License-Identifier: Apache-2.0
#include "sim/digests.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace lxdrunner::github_sim {
namespace {

std::string toHex(const unsigned char* bytes, unsigned int length) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2U);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kDigits[bytes[i] >> 4U]);
    out.push_back(kDigits[bytes[i] & 0x0FU]);
  }
  return out;
}

std::string hmacHex(const EVP_MD* md, const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
           &length) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  return toHex(digest, length);
}

}  // namespace

std::string sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return toHex(digest, SHA256_DIGEST_LENGTH);
}

std::string hmacSha256Hex(const std::string& key, const std::string& message) {
  return hmacHex(EVP_sha256(), key, message);
}

std::string webhookSignature256(const std::string& secret, const std::string& body) {
  return "sha256=" + hmacSha256Hex(secret, body);
}

std::string webhookSignature1(const std::string& secret, const std::string& body) {
  return "sha1=" + hmacHex(EVP_sha1(), secret, body);
}

}  // namespace lxdrunner::github_sim
