// SPDX-License-Identifier: Apache-2.0
// A channel that replaces every registered secret in a message before passing it on, so a
// token that slips into an exception text or a plugin's log line never reaches the log.
#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lxdrunner::logging {

class RedactingChannel : public Poco::Channel {
 public:
  explicit RedactingChannel(Poco::AutoPtr<Poco::Channel> next) : next_(std::move(next)) {}

  void addSecret(const std::string& secret);
  void log(const Poco::Message& message) override;
  void open() override { next_->open(); }
  void close() override { next_->close(); }

  // Returns `text` with every secret replaced by "****".
  std::string redact(std::string text) const;

 private:
  Poco::AutoPtr<Poco::Channel> next_;
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;
};

}  // namespace lxdrunner::logging
