// SPDX-License-Identifier: Apache-2.0
// Secrets never reach a log line, whichever component logs them.
#include <catch2/catch.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/StreamChannel.h>

#include <sstream>

#include "logging/logging.hpp"
#include "logging/redacting_channel.hpp"

TEST_CASE("registered secrets are replaced in every message", "[logging]") {
  std::ostringstream sink;
  Poco::AutoPtr<Poco::Channel> stream(new Poco::StreamChannel(sink));
  Poco::AutoPtr<lxdrunner::logging::RedactingChannel> channel(
      new lxdrunner::logging::RedactingChannel(stream));
  channel->addSecret("ghp_abcdefghijklmnop");
  channel->addSecret("abc");  // too short to be a secret: ignored, or every word would suffer

  Poco::Logger& log = Poco::Logger::create("redaction-test", channel, Poco::Message::PRIO_TRACE);
  log.error("GitHub said 401 for token ghp_abcdefghijklmnop (twice: ghp_abcdefghijklmnop)");
  log.information("abc is fine");
  Poco::Logger::destroy("redaction-test");

  CHECK(sink.str() == "GitHub said 401 for token **** (twice: ****)\nabc is fine\n");
}

TEST_CASE("unknown log levels are named with the allowed ones", "[logging]") {
  CHECK(lxdrunner::logging::parseLevel("info") == Poco::Message::PRIO_INFORMATION);
  CHECK(lxdrunner::logging::parseLevel("debug") == Poco::Message::PRIO_DEBUG);
  CHECK_THROWS_WITH(
      lxdrunner::logging::parseLevel("verbose"),
      Catch::Contains("unknown log level 'verbose'") && Catch::Contains("trace, debug"));
}
