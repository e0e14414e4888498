// SPDX-License-Identifier: Apache-2.0
// GitHub's X-Hub-Signature-256 check: "sha256=" + lowercase hex HMAC-SHA256 of the raw body.
#pragma once

#include <string>
#include <string_view>

namespace lxdrunner::webhook {

// True when `header_value` is exactly "sha256=" followed by 64 lowercase hex digits that
// equal HMAC-SHA256(secret, body). For a header of the right length the time taken does not
// depend on where it differs or whether it is malformed (prefix, hex digits): every byte is
// decoded and the digest compared with CRYPTO_memcmp. A wrong length is rejected at once;
// that only reveals the length, which is public. An empty secret never verifies: a webhook
// must be configured with a secret, and failing closed is the safe answer to a mistake.
bool verifySignature256(std::string_view secret, std::string_view body,
                        std::string_view header_value);

// The header value GitHub would send for `body` ("sha256=<64 lowercase hex>"), for tests,
// benchmarks and the GitHub simulator. Empty only if OpenSSL fails.
std::string signature256(std::string_view secret, std::string_view body);

}  // namespace lxdrunner::webhook
