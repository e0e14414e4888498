// SPDX-License-Identifier: Apache-2.0
// What `lxdrunner webhook install` remembers about the secrets it set. GitHub never returns a
// hook's secret, so "is the secret current?" is answered from a local record: an
// HMAC-SHA256 of the hook's identity keyed with the secret. The secret itself is never
// stored. Without a record the secret is set again, once.
#pragma once

#include <string>

namespace lxdrunner::cli {

class WebhookSecretRecord {
 public:
  // `file`: a JSON object, created on the first remember().
  explicit WebhookSecretRecord(std::string file) : file_(std::move(file)) {}

  // Whether `secret` is the one last set on the hook named by `hook_key`.
  bool matches(const std::string& hook_key, const std::string& secret) const;
  // Records it. Throws std::runtime_error naming the file when it cannot be written.
  void remember(const std::string& hook_key, const std::string& secret) const;

  const std::string& file() const noexcept { return file_; }

 private:
  std::string file_;
};

// HMAC-SHA256(key, message) as lower-case hex (RFC 2104).
std::string hmacSha256Hex(const std::string& key, const std::string& message);

}  // namespace lxdrunner::cli
