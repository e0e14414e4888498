// SPDX-License-Identifier: Apache-2.0
#include "sim/app_jwt.hpp"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <algorithm>
#include <sstream>

namespace lxdrunner::github_sim {
namespace {

constexpr std::int64_t kMaxLifetimeSeconds = 600;
constexpr std::int64_t kAllowedClockDriftSeconds = 60;

const char* const kNotDecodable = "A JSON web token could not be decoded";

bool claimAsInteger(const Poco::JSON::Object& payload, const std::string& name, std::int64_t& out) {
  if (!payload.has(name)) return false;
  const Poco::Dynamic::Var value = payload.get(name);
  if (!value.isNumeric()) return false;
  try {
    out = value.convert<std::int64_t>();
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

// GitHub accepts the app id as a number or a string.
std::string issuerOf(const Poco::JSON::Object& payload) {
  if (!payload.has("iss")) return "";
  const Poco::Dynamic::Var value = payload.get("iss");
  if (!value.isString() && !value.isInteger()) return "";
  return value.convert<std::string>();
}

}  // namespace

bool looksLikeJwt(const std::string& credential) {
  return std::count(credential.begin(), credential.end(), '.') == 2;
}

AppJwtVerifier::AppJwtVerifier(std::int64_t appId, const std::string& publicKeyPem)
    : appId_(appId) {
  if (appId == 0 || publicKeyPem.empty()) return;
  std::istringstream pem(publicKeyPem);
  Poco::SharedPtr<Poco::Crypto::RSAKey> key(new Poco::Crypto::RSAKey(&pem));
  signer_ = std::make_unique<Poco::JWT::Signer>(key);
  // Only RS256: accepting "none" or HS256 would let anyone forge app tokens.
  signer_->setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
}

AppJwtVerifier::~AppJwtVerifier() = default;

JwtVerdict AppJwtVerifier::verify(const std::string& jwt, std::int64_t now) const {
  if (!signer_) return {false, kNotDecodable};
  Poco::JWT::Token token;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    try {
      if (!signer_->tryVerify(jwt, token)) return {false, kNotDecodable};
    } catch (const Poco::Exception&) {
      return {false, kNotDecodable};
    }
  }
  const Poco::JSON::Object& payload = token.payload();
  if (issuerOf(payload) != std::to_string(appId_)) {
    return {false, "'Issuer' claim ('iss') must be an Integer"};
  }
  std::int64_t issuedAt = 0, expiresAt = 0;
  if (!claimAsInteger(payload, "iat", issuedAt) || issuedAt > now + kAllowedClockDriftSeconds) {
    return {false,
            "'Issued at' claim ('iat') must be an Integer representing the time that the "
            "assertion was issued."};
  }
  if (!claimAsInteger(payload, "exp", expiresAt) || expiresAt <= now) {
    return {false,
            "'Expiration time' claim ('exp') must be a numeric value representing the future "
            "time at which the assertion expires."};
  }
  if (expiresAt - issuedAt > kMaxLifetimeSeconds) {
    return {false, "'Expiration time' claim ('exp') is too far in the future"};
  }
  return {true, ""};
}

}  // namespace lxdrunner::github_sim
