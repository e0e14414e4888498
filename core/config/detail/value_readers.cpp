// SPDX-License-Identifier: Apache-2.0
#include "config/detail/value_readers.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "config/detail/key_path.hpp"
#include "config/detail/mapping_view.hpp"
#include "config/detail/text.hpp"

namespace lxdrunner::config::detail {

namespace {

constexpr std::size_t kLongestValueShown = 60;

std::optional<std::int64_t> parseInteger(const std::string& text) {
  std::int64_t value = 0;
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::string rangeText(std::int64_t min, std::int64_t max) {
  if (max == std::numeric_limits<std::int64_t>::max() || max == std::numeric_limits<int>::max()) {
    return "must be at least " + std::to_string(min);
  }
  return "must be between " + std::to_string(min) + " and " + std::to_string(max);
}

}  // namespace

std::string describeValue(const YAML::Node& value) {
  if (!value.IsDefined() || value.IsNull()) {
    return "null";
  }
  if (value.IsSequence()) {
    return "a list";
  }
  if (value.IsMap()) {
    return "a mapping";
  }
  std::string text = value.Scalar();
  if (text.size() > kLongestValueShown) {
    text = text.substr(0, kLongestValueShown) + "...";
  }
  return "'" + text + "'";
}

std::string joinNames(const std::vector<std::string_view>& names) {
  std::string joined;
  for (const auto name : names) {
    joined += (joined.empty() ? "" : ", ") + std::string(name);
  }
  return joined;
}

bool expectMapping(const Field& field, DiagnosticSink& sink) {
  if (field.value.IsMap()) {
    return true;
  }
  if (isSet(&field)) {
    sink.error(positionOf(field), field.path,
               "must be a mapping (got " + describeValue(field.value) + ")");
  }
  return false;
}

std::optional<std::string> readString(const Field& field, DiagnosticSink& sink) {
  if (!isSet(&field)) {
    return std::nullopt;
  }
  if (!field.value.IsScalar()) {
    sink.error(positionOf(field), field.path,
               "must be a string (got " + describeValue(field.value) + ")");
    return std::nullopt;
  }
  return field.value.Scalar();
}

std::optional<bool> readBool(const Field& field, DiagnosticSink& sink) {
  if (!isSet(&field)) {
    return std::nullopt;
  }
  if (field.value.IsScalar()) {
    const std::string word = toLower(field.value.Scalar());
    if (word == "true" || word == "yes" || word == "on") {
      return true;
    }
    if (word == "false" || word == "no" || word == "off") {
      return false;
    }
  }
  sink.error(positionOf(field), field.path,
             "must be true or false (got " + describeValue(field.value) + ")");
  return std::nullopt;
}

std::optional<std::int64_t> readInteger(const Field& field, DiagnosticSink& sink, std::int64_t min,
                                        std::int64_t max) {
  if (!isSet(&field)) {
    return std::nullopt;
  }
  const auto value = field.value.IsScalar() ? parseInteger(field.value.Scalar()) : std::nullopt;
  if (!value) {
    sink.error(positionOf(field), field.path,
               "must be an integer (got " + describeValue(field.value) + ")");
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    sink.error(positionOf(field), field.path,
               rangeText(min, max) + " (got " + std::to_string(*value) + ")");
    return std::nullopt;
  }
  return value;
}

std::optional<int> readInt(const Field& field, DiagnosticSink& sink, int min, int max) {
  const auto value = readInteger(field, sink, min, max);
  if (!value) {
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<std::vector<std::string>> readStringList(const Field& field, DiagnosticSink& sink) {
  if (!isSet(&field)) {
    return std::nullopt;
  }
  if (!field.value.IsSequence()) {
    sink.error(positionOf(field), field.path,
               "must be a list such as [a, b] (got " + describeValue(field.value) + ")");
    return std::nullopt;
  }
  std::vector<std::string> items;
  std::size_t index = 0;
  for (const auto& item : field.value) {
    const Field element{YAML::Node(), item, {}, indexPath(field.path, index++)};
    if (!item.IsScalar() || item.Scalar().empty()) {
      sink.error(positionOf(element), element.path,
                 "must be a non-empty string (got " + describeValue(item) + ")");
      continue;
    }
    items.push_back(item.Scalar());
  }
  return items;
}

std::optional<std::map<std::string, std::string>> readScalarMap(const Field& field,
                                                                DiagnosticSink& sink) {
  if (!expectMapping(field, sink)) {
    return std::nullopt;
  }
  std::map<std::string, std::string> values;
  for (const auto& entry : mappingEntries(field, sink)) {
    if (!entry.value.IsScalar()) {
      sink.error(positionOf(entry), entry.path,
                 "must be a string, number or boolean (got " + describeValue(entry.value) + ")");
      continue;
    }
    values.emplace(entry.name, entry.value.Scalar());
  }
  return values;
}

std::optional<std::string> readIpAddress(const Field& field, DiagnosticSink& sink,
                                         std::string_view examples) {
  auto text = readString(field, sink);
  if (!text) return std::nullopt;
  unsigned char address[sizeof(struct in6_addr)];
  if (::inet_pton(AF_INET, text->c_str(), address) == 1 ||
      ::inet_pton(AF_INET6, text->c_str(), address) == 1) {
    return text;
  }
  sink.error(positionOf(field), field.path,
             "must be an IP address such as " + std::string(examples) + " (got " +
                 describeValue(field.value) + ")");
  return std::nullopt;
}

std::optional<int> readPort(const Field& field, DiagnosticSink& sink) {
  constexpr int kHighestPort = 65535;
  return readInt(field, sink, 0, kHighestPort);
}

}  // namespace lxdrunner::config::detail
