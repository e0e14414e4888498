// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <string>

#include "lxdrunner/webhook/signature.hpp"

using lxdrunner::webhook::signature256;
using lxdrunner::webhook::verifySignature256;

namespace {
// GitHub's published test vector (docs: "Validating webhook deliveries").
const std::string kSecret = "It's a Secret to Everybody";
const std::string kBody = "Hello, World!";
const std::string kExpected =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
}  // namespace

TEST_CASE("signature256 reproduces GitHub's test vector", "[signature]") {
  CHECK(signature256(kSecret, kBody) == kExpected);
}

TEST_CASE("verifySignature256 accepts GitHub's test vector", "[signature]") {
  CHECK(verifySignature256(kSecret, kBody, kExpected));
}

TEST_CASE("verifySignature256 rejects a signature for other content", "[signature]") {
  CHECK_FALSE(verifySignature256("another secret", kBody, kExpected));
  CHECK_FALSE(verifySignature256(kSecret, "Hello, World?", kExpected));
  CHECK_FALSE(verifySignature256(kSecret, kBody + "\n", kExpected));
  CHECK_FALSE(verifySignature256(kSecret, "", kExpected));
}

TEST_CASE("verifySignature256 rejects every single-digit change", "[signature]") {
  for (std::size_t i = 7; i < kExpected.size(); ++i) {
    std::string changed = kExpected;
    changed[i] = changed[i] == '0' ? '1' : '0';
    INFO("position " << i);
    CHECK_FALSE(verifySignature256(kSecret, kBody, changed));
  }
}

TEST_CASE("verifySignature256 rejects missing and malformed headers", "[signature]") {
  const std::string hex = kExpected.substr(7);
  std::string upper = kExpected;
  for (std::size_t i = 7; i < upper.size(); ++i) {
    if (upper[i] >= 'a' && upper[i] <= 'f') upper[i] = static_cast<char>(upper[i] - 'a' + 'A');
  }
  const std::string cases[] = {
      "",                             // header missing
      "sha256=",                      // no digest
      hex,                            // no prefix
      "sha1=" + hex,                  // GitHub's old SHA-1 header format
      "SHA256=" + hex,                // prefix is case-sensitive
      "sha256:" + hex,                // wrong separator
      "sha256=" + hex.substr(1),      // one digit short
      kExpected + "0",                // one digit long
      " " + kExpected,                // padding is not trimmed
      kExpected.substr(0, 70) + "g",  // non-hex digit
      kExpected.substr(0, 70) + " ",  // non-hex digit
      std::string("sha256=") + std::string(64, '\0'),
      upper,  // GitHub sends lowercase hex only
  };
  for (const auto& header : cases) {
    INFO("header '" << header << "'");
    CHECK_FALSE(verifySignature256(kSecret, kBody, header));
  }
}

TEST_CASE("verifySignature256 fails closed without a secret", "[signature]") {
  const std::string signed_with_empty = signature256("", kBody);
  REQUIRE(signed_with_empty.size() == 71);
  CHECK_FALSE(verifySignature256("", kBody, signed_with_empty));
}

TEST_CASE("signatures cover binary bodies and secrets", "[signature]") {
  const std::string body("\0\xff{\"a\":1}\0", 10);
  const std::string secret("s\0e", 3);
  const std::string header = signature256(secret, body);
  CHECK(verifySignature256(secret, body, header));
  CHECK_FALSE(verifySignature256(std::string("s"), body, header));
  CHECK_FALSE(verifySignature256(secret, body.substr(0, 9), header));
}

TEST_CASE("signature256 of an empty body is well-formed", "[signature]") {
  const std::string header = signature256(kSecret, "");
  CHECK(header.rfind("sha256=", 0) == 0);
  CHECK(header.size() == 71);
  CHECK(verifySignature256(kSecret, "", header));
}
