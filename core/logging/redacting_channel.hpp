// SPDX-License-Identifier: Apache-2.0
// A channel that replaces every registered secret in a message before passing it on, so a
// token that slips into an exception text or a plugin's log line never reaches the log.
#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <memory>
#include <string>

#include "logging/redactor.hpp"

namespace lxdrunner::logging {

class RedactingChannel : public Poco::Channel {
 public:
  // Channels made by successive logging::setup() calls share one redactor: one list.
  explicit RedactingChannel(Poco::AutoPtr<Poco::Channel> next,
                            std::shared_ptr<Redactor> redactor = std::make_shared<Redactor>())
      : next_(std::move(next)), redactor_(std::move(redactor)) {}

  // Masked for good.
  void addSecret(const std::string& secret) { redactor_->addPermanent(secret); }
  void log(const Poco::Message& message) override;
  void open() override { next_->open(); }
  void close() override { next_->close(); }

  // Returns `text` with every secret replaced by "****".
  std::string redact(std::string text) const { return redactor_->redact(std::move(text)); }

 private:
  Poco::AutoPtr<Poco::Channel> next_;
  std::shared_ptr<Redactor> redactor_;
};

}  // namespace lxdrunner::logging
