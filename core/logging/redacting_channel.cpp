// SPDX-License-Identifier: Apache-2.0
#include "logging/redacting_channel.hpp"

#include <algorithm>

namespace lxdrunner::logging {

void RedactingChannel::addSecret(const std::string& secret) {
  // Very short values would redact ordinary words; secrets are never that short.
  if (secret.size() < 4) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(secrets_.begin(), secrets_.end(), secret) == secrets_.end()) {
    secrets_.push_back(secret);
  }
}

std::string RedactingChannel::redact(std::string text) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& secret : secrets_) {
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 4)) {
      text.replace(pos, secret.size(), "****");
    }
  }
  return text;
}

void RedactingChannel::log(const Poco::Message& message) {
  std::string clean = redact(message.getText());
  if (clean == message.getText()) {
    next_->log(message);
    return;
  }
  Poco::Message copy(message);
  copy.setText(clean);
  next_->log(copy);
}

}  // namespace lxdrunner::logging
