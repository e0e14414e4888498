// SPDX-License-Identifier: Apache-2.0
#include "cli/webhook_install_record.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lxdrunner::cli {
namespace {

constexpr size_t kBlockSize = 64;  // SHA-256's block size, which HMAC pads the key to

std::string sha256Raw(const std::string& data) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(data);
  const auto& digest = engine.digest();
  return std::string(digest.begin(), digest.end());
}

Poco::JSON::Object::Ptr readRecord(const std::string& file) {
  std::ifstream in(file);
  if (!in) return new Poco::JSON::Object();
  std::stringstream text;
  text << in.rdbuf();
  try {
    Poco::JSON::Parser parser;
    auto object = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    if (object) return object;
  } catch (const Poco::Exception&) {
    // A damaged record only means the secrets are set once more.
  }
  return new Poco::JSON::Object();
}

}  // namespace

std::string hmacSha256Hex(const std::string& key, const std::string& message) {
  std::string k = key.size() > kBlockSize ? sha256Raw(key) : key;
  k.resize(kBlockSize, '\0');
  std::string inner(kBlockSize, '\0');
  std::string outer(kBlockSize, '\0');
  for (size_t i = 0; i < kBlockSize; ++i) {
    inner[i] = static_cast<char>(k[i] ^ 0x36);
    outer[i] = static_cast<char>(k[i] ^ 0x5c);
  }
  const std::string mac = sha256Raw(outer + sha256Raw(inner + message));
  return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(mac.begin(), mac.end()));
}

bool WebhookSecretRecord::matches(const std::string& hook_key, const std::string& secret) const {
  auto record = readRecord(file_);
  return record->has(hook_key) &&
         record->getValue<std::string>(hook_key) == hmacSha256Hex(secret, hook_key);
}

void WebhookSecretRecord::remember(const std::string& hook_key, const std::string& secret) const {
  auto record = readRecord(file_);
  record->set(hook_key, hmacSha256Hex(secret, hook_key));
  const std::string tmp = file_ + ".tmp-" + std::to_string(::getpid());
  try {
    Poco::File(Poco::Path(file_).parent()).createDirectories();
    {
      std::ofstream out(tmp, std::ios::trunc);
      record->stringify(out, 2);
      out << '\n';
      if (!out.flush()) throw std::runtime_error("write failed");
    }
    Poco::File(tmp).renameTo(file_);
  } catch (const std::exception& e) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write " + file_ + ": " + e.what());
  }
}

}  // namespace lxdrunner::cli
