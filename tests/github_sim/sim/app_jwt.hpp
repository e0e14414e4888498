// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/SharedPtr.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace Poco::JWT {
class Signer;
}

namespace lxdrunner::github_sim {

struct JwtVerdict {
  bool accepted = false;
  std::string message;  // GitHub's 401 message when rejected
};

// Checks a GitHub App JWT the way api.github.com does: RS256 signature by the app's key,
// iss = app id, iat not in the future, exp in the future and at most 10 minutes after iat.
class AppJwtVerifier {
 public:
  // An empty key or app id 0 leaves the verifier unconfigured: every JWT is refused.
  // Throws Poco::Exception when the PEM text holds no RSA public key.
  AppJwtVerifier(std::int64_t appId, const std::string& publicKeyPem);
  ~AppJwtVerifier();

  bool configured() const { return signer_ != nullptr; }
  std::int64_t appId() const { return appId_; }
  JwtVerdict verify(const std::string& jwt, std::int64_t now) const;

 private:
  std::int64_t appId_;
  std::unique_ptr<Poco::JWT::Signer> signer_;
  mutable std::mutex mutex_;  // Poco's signer is not documented as thread-safe
};

// True for text shaped like a JWT (three dot-separated parts), which GitHub treats as an app
// credential rather than a token.
bool looksLikeJwt(const std::string& credential);

}  // namespace lxdrunner::github_sim
