// SPDX-License-Identifier: Apache-2.0
#include "logging/json_formatter.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace lxdrunner::logging {
namespace {

const char* levelName(Poco::Message::Priority p) {
  switch (p) {
    case Poco::Message::PRIO_FATAL:
      return "fatal";
    case Poco::Message::PRIO_CRITICAL:
      return "critical";
    case Poco::Message::PRIO_ERROR:
      return "error";
    case Poco::Message::PRIO_WARNING:
      return "warning";
    case Poco::Message::PRIO_NOTICE:
      return "notice";
    case Poco::Message::PRIO_INFORMATION:
      return "information";
    case Poco::Message::PRIO_DEBUG:
      return "debug";
    case Poco::Message::PRIO_TRACE:
      return "trace";
  }
  return "information";
}

}  // namespace

void JsonFormatter::format(const Poco::Message& message, std::string& text) {
  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("ts", Poco::DateTimeFormatter::format(message.getTime(),
                                                 Poco::DateTimeFormat::ISO8601_FRAC_FORMAT));
  line.set("level", levelName(message.getPriority()));
  line.set("component", message.getSource());
  line.set("msg", message.getText());
  std::ostringstream out;
  line.stringify(out);
  text = out.str();
}

}  // namespace lxdrunner::logging
