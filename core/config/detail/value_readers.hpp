// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/field.hpp"
#include "config/enums.hpp"

// Typed reads of YAML values. Each reader reports a wrong type or value to the sink and returns
// nullopt, so the caller keeps the default and validation goes on. A null value (a key with
// nothing after the colon) means "not set": nullopt without a diagnostic.
namespace lxdrunner::config::detail {

// How a value is shown in messages: "'text'", "a list", "a mapping" or "null".
std::string describeValue(const YAML::Node& value);

// True for a mapping; reports any other non-null value.
bool expectMapping(const Field& field, DiagnosticSink& sink);

std::optional<std::string> readString(const Field& field, DiagnosticSink& sink);
// Accepts what the original lxdrunner (pydantic) accepted: true/false, yes/no, on/off, any case.
std::optional<bool> readBool(const Field& field, DiagnosticSink& sink);
std::optional<std::int64_t> readInteger(
    const Field& field, DiagnosticSink& sink, std::int64_t min,
    std::int64_t max = std::numeric_limits<std::int64_t>::max());
std::optional<int> readInt(const Field& field, DiagnosticSink& sink, int min,
                           int max = std::numeric_limits<int>::max());
// An IP address (v4 or v6) to bind to; `examples` goes into the error ("0.0.0.0 or ::").
// Servers bind to it directly, so host names are refused (as the original lxdrunner did).
std::optional<std::string> readIpAddress(const Field& field, DiagnosticSink& sink,
                                         std::string_view examples);
// A TCP port to listen on, 0..65535: 0 lets the system pick a free one (tests use it, so that
// nothing can take the port between choosing it and binding it).
std::optional<int> readPort(const Field& field, DiagnosticSink& sink);
// A list of non-empty strings; bad elements are reported one by one and left out.
std::optional<std::vector<std::string>> readStringList(const Field& field, DiagnosticSink& sink);
// A mapping of key -> string, number or boolean, with every value kept as its text.
std::optional<std::map<std::string, std::string>> readScalarMap(const Field& field,
                                                                DiagnosticSink& sink);

std::string joinNames(const std::vector<std::string_view>& names);

template <class Enum, std::size_t N>
std::optional<Enum> readEnum(const Field& field, DiagnosticSink& sink,
                             const std::array<EnumName<Enum>, N>& names) {
  const auto text = readString(field, sink);
  if (!text) {
    return std::nullopt;
  }
  std::vector<std::string_view> spellings;
  for (const auto& entry : names) {
    if (entry.name == *text) {
      return entry.value;
    }
    spellings.push_back(entry.name);
  }
  sink.error(
      positionOf(field), field.path,
      "must be one of " + joinNames(spellings) + " (got " + describeValue(field.value) + ")");
  return std::nullopt;
}

}  // namespace lxdrunner::config::detail
