// SPDX-License-Identifier: Apache-2.0
#include "logging/redacting_channel.hpp"

namespace lxdrunner::logging {

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
