// SPDX-License-Identifier: Apache-2.0
#include "config/detail/yaml_json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "config/detail/key_path.hpp"
#include "config/detail/mapping_view.hpp"
#include "config/detail/text.hpp"

namespace lxdrunner::config::detail {

namespace {

bool isDigit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

std::optional<bool> coreBool(const std::string& text) {
  static constexpr std::array<std::string_view, 3> kTrue{"true", "True", "TRUE"};
  static constexpr std::array<std::string_view, 3> kFalse{"false", "False", "FALSE"};
  if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end()) {
    return true;
  }
  if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end()) {
    return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> coreInteger(const std::string& text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') {
    digits.remove_prefix(1);  // from_chars accepts '-' but not '+'
  }
  std::int64_t value = 0;
  const char* const end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || error != std::errc() || stop != end) {
    return std::nullopt;
  }
  return value;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? -- the core schema's float, minus .inf and
// .nan, which JSON cannot carry and so stay strings.
std::optional<double> coreFloat(const std::string& text) {
  std::size_t i = 0;
  const auto digitsFrom = [&text](std::size_t start) {
    std::size_t stop = start;
    while (stop < text.size() && isDigit(text[stop])) {
      ++stop;
    }
    return stop - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    ++i;
  }
  const std::size_t integer_digits = digitsFrom(i);
  i += integer_digits;
  std::size_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    fraction_digits = digitsFrom(i + 1);
    i += 1 + fraction_digits;
  }
  if (integer_digits == 0 && fraction_digits == 0) {
    return std::nullopt;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t exponent = i + 1;
    if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) {
      ++exponent;
    }
    const std::size_t exponent_digits = digitsFrom(exponent);
    if (exponent_digits == 0) {
      return std::nullopt;
    }
    i = exponent + exponent_digits;
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  std::string_view number = text;
  if (number.front() == '+') {
    number.remove_prefix(1);
  }
  double value = 0;
  const auto [stop, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error != std::errc() || stop != number.data() + number.size()) {
    return std::nullopt;
  }
  return value;
}

Poco::Dynamic::Var scalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  // yaml-cpp tags quoted and block scalars "!" and plain ones "?"; only plain ones are typed.
  if (node.Tag() != "?") {
    return text;
  }
  if (const auto boolean = coreBool(text)) {
    return *boolean;
  }
  if (const auto integer = coreInteger(text)) {
    return *integer;
  }
  if (const auto real = coreFloat(text)) {
    return *real;
  }
  return text;
}

bool isReservedWord(const std::string& text) {
  // YAML 1.1 readers (PyYAML among them) also take these as booleans or null.
  static constexpr std::array<std::string_view, 11> kWords{
      "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf"};
  const std::string lower = toLower(text);
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end() || lower == ".nan" ||
         lower == "-.inf" || lower == "+.inf";
}

// Numbers in any notation a YAML reader might take as one: the core schema's, and the 0x / 0o
// prefixes of YAML 1.2 and 1.1.
bool looksNumeric(const std::string& text) {
  const bool prefixed = text.size() > 2 && text[0] == '0' &&
                        (text[1] == 'x' || text[1] == 'o' || text[1] == 'X' || text[1] == 'O');
  return prefixed || coreInteger(text).has_value() || coreFloat(text).has_value();
}

}  // namespace

Poco::Dynamic::Var yamlToJson(const Field& field, DiagnosticSink& sink) {
  const YAML::Node& node = field.value;
  if (!node.IsDefined() || node.IsNull()) {
    return {};
  }
  if (node.IsScalar()) {
    return scalarToJson(node);
  }
  if (node.IsSequence()) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
    std::size_t index = 0;
    for (const auto& item : node) {
      array->add(yamlToJson(Field{YAML::Node(), item, {}, indexPath(field.path, index++)}, sink));
    }
    return array;
  }
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& entry : mappingEntries(field, sink)) {
    object->set(entry.name, yamlToJson(entry, sink));
  }
  return object;
}

std::string jsonText(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

Poco::Dynamic::Var parseJson(const std::string& json_text) {
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  return parser.parse(json_text);
}

void emitString(YAML::Emitter& out, const std::string& text) {
  if (text.empty() || isReservedWord(text) || looksNumeric(text)) {
    out << YAML::DoubleQuoted;
  }
  out << text;
}

void emitJsonAsYaml(YAML::Emitter& out, const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) {
    out << YAML::Null;
  } else if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
    const auto& object = value.extract<Poco::JSON::Object::Ptr>();
    std::vector<std::string> names;
    object->getNames(names);
    if (names.empty()) {
      out << YAML::Flow;
    }
    out << YAML::BeginMap;
    for (const auto& name : names) {
      out << YAML::Key;
      emitString(out, name);
      out << YAML::Value;
      emitJsonAsYaml(out, object->get(name));
    }
    out << YAML::EndMap;
  } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
    const auto& array = value.extract<Poco::JSON::Array::Ptr>();
    out << YAML::Flow << YAML::BeginSeq;
    for (std::size_t i = 0; i < array->size(); ++i) {
      emitJsonAsYaml(out, array->get(static_cast<unsigned int>(i)));
    }
    out << YAML::EndSeq;
  } else if (value.isBoolean()) {
    out << value.convert<bool>();
  } else if (value.isInteger()) {
    out << value.convert<std::int64_t>();
  } else if (value.isNumeric()) {
    out << value.convert<double>();
  } else {
    emitString(out, value.convert<std::string>());
  }
}

}  // namespace lxdrunner::config::detail
