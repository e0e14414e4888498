// SPDX-License-Identifier: Apache-2.0
#include "logging/logging.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/StreamChannel.h>

#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "logging/json_formatter.hpp"
#include "logging/redacting_channel.hpp"

namespace lxdrunner::logging {
namespace {

std::mutex& setupMutex() {
  static std::mutex mu;
  return mu;
}
// The daemon's one list of secrets: every channel setup() makes shares it, so secrets
// learned at run time survive a re-setup without a second copy.
const std::shared_ptr<Redactor>& redactor() {
  static const auto instance = std::make_shared<Redactor>();
  return instance;
}

}  // namespace

int parseLevel(const std::string& name) {
  if (name == "info") return Poco::Message::PRIO_INFORMATION;
  if (name == "none") return 0;
  try {
    return Poco::Logger::parseLevel(name);
  } catch (const Poco::Exception&) {
    throw std::invalid_argument("unknown log level '" + name +
                                "': use trace, debug, information, notice, warning, error, "
                                "critical, fatal or none");
  }
}

void setup(const LogSettings& settings, const std::vector<std::string>& secrets) {
  std::lock_guard<std::mutex> lock(setupMutex());
  Poco::AutoPtr<Poco::Formatter> formatter;
  if (settings.format == "json") {
    formatter = new JsonFormatter();
  } else {
    // %q: one-letter priority would be terse; %p spells it. Times are UTC (%Y... with Z).
    formatter = new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p [%s] %t");
  }
  Poco::AutoPtr<Poco::Channel> console(new Poco::StreamChannel(std::clog));
  Poco::AutoPtr<Poco::Channel> formatting(new Poco::FormattingChannel(formatter, console));
  Poco::AutoPtr<RedactingChannel> redacting(new RedactingChannel(formatting, redactor()));
  for (const auto& s : secrets) redactor()->addPermanent(s);

  const int root_level = parseLevel(settings.level);
  Poco::Logger::root().setChannel(redacting);
  Poco::Logger::root().setLevel(root_level);
  // Loggers made before this call keep their own copies: update every existing one.
  Poco::Logger::setChannel("", redacting);
  Poco::Logger::setLevel("", root_level);
  for (const auto& [component, level] : settings.components) {
    // Creating the component's logger makes loggers made later under it inherit the level.
    const int component_level = parseLevel(level);
    Poco::Logger::get(component).setLevel(component_level);
    Poco::Logger::setLevel(component, component_level);
  }
}

void addSecret(const std::string& secret) {
  redactor()->addPermanent(secret);
}

void addShortLivedSecret(const std::string& secret, std::chrono::seconds lifetime) {
  redactor()->addShortLived(secret, lifetime);
}

}  // namespace lxdrunner::logging
