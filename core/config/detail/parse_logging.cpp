// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>

#include "config/detail/schema.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/text.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

// Poco's level names, so the value can go straight to Poco::Logger::parseLevel.
constexpr std::array<std::string_view, 9> kLevels{
    "trace", "debug", "information", "notice", "warning", "error", "critical", "fatal", "none"};

std::optional<std::string> readLevel(const Field& field, DiagnosticSink& sink) {
  auto level = readString(field, sink);
  if (!level) {
    return std::nullopt;
  }
  *level = toLower(*level);
  if (*level == "info") {
    *level = "information";
  }
  if (std::find(kLevels.begin(), kLevels.end(), *level) == kLevels.end()) {
    sink.error(positionOf(field), field.path,
               "must be one of trace, debug, information (or info), notice, warning, error, "
               "critical, fatal, none (got " +
                   describeValue(field.value) + ")");
    return std::nullopt;
  }
  return level;
}

}  // namespace

void parseLogging(const MappingView& top, Config& config, DiagnosticSink& sink) {
  const Field* const field = top.find("logging");
  if (field == nullptr || !expectMapping(*field, sink)) {
    return;
  }
  const MappingView logging(*field, schema::loggingKeys(), sink);
  if (const Field* const level = logging.find("level")) {
    config.logging.level = readLevel(*level, sink).value_or(config.logging.level);
  }
  if (const Field* const format = logging.find("format")) {
    config.logging.format =
        readEnum(*format, sink, kLogFormatNames).value_or(config.logging.format);
  }
  const Field* const components = logging.find("components");
  if (components == nullptr || !expectMapping(*components, sink)) {
    return;
  }
  for (const auto& component : mappingEntries(*components, sink)) {
    if (!isSet(&component)) {
      sink.error(positionOf(component), component.path, "needs a level");
    } else if (const auto level = readLevel(component, sink)) {
      config.logging.components[component.name] = *level;
    }
  }
}

}  // namespace lxdrunner::config::detail
