// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace lxdrunner::github_sim {

// Lowercase hex of SHA-256(data): the sha256_checksum of runner downloads.
std::string sha256Hex(const std::string& data);

// Lowercase hex of HMAC-SHA256(key, message), through OpenSSL (Poco 1.11's
// HMACEngine<SHA2Engine> does not compile).
std::string hmacSha256Hex(const std::string& key, const std::string& message);

// The X-Hub-Signature-256 header value GitHub sends: "sha256=" + hex HMAC of the raw body.
std::string webhookSignature256(const std::string& secret, const std::string& body);

// The legacy X-Hub-Signature header: "sha1=" + hex HMAC-SHA1 of the raw body.
std::string webhookSignature1(const std::string& secret, const std::string& body);

}  // namespace lxdrunner::github_sim
