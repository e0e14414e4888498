// SPDX-License-Identifier: Apache-2.0
#include "sim/json_util.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace lxdrunner::github_sim {

JsonObject newObject() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

JsonArray newArray() {
  return new Poco::JSON::Array();
}

JsonArray stringArray(const std::vector<std::string>& values) {
  JsonArray out = newArray();
  for (const auto& value : values) out->add(value);
  return out;
}

std::string toJson(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  if (value.type() == typeid(JsonObject)) {
    value.extract<JsonObject>()->stringify(out);
  } else if (value.type() == typeid(JsonArray)) {
    value.extract<JsonArray>()->stringify(out);
  } else {
    Poco::JSON::Stringifier::stringify(value, out);
  }
  return out.str();
}

JsonObject parseObject(const std::string& text) {
  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    parsed = parser.parse(text);
  } catch (const Poco::Exception&) {
    throw BadJson();
  }
  if (parsed.type() != typeid(JsonObject)) throw BadJson();
  return parsed.extract<JsonObject>();
}

JsonObject parseObjectOrEmpty(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return newObject();
  return parseObject(text);
}

std::optional<std::string> optString(const JsonObject& object, const std::string& key) {
  if (!object->has(key) || object->isNull(key)) return std::nullopt;
  const Poco::Dynamic::Var value = object->get(key);
  if (!value.isString()) throw BadInput("\"" + key + "\" must be a string");
  return value.extract<std::string>();
}

std::optional<std::int64_t> optInt(const JsonObject& object, const std::string& key) {
  if (!object->has(key) || object->isNull(key)) return std::nullopt;
  const Poco::Dynamic::Var value = object->get(key);
  // Numeric strings are accepted because GitHub coerces "1" for integer fields too.
  if (value.isInteger() || value.isString()) {
    try {
      return value.convert<std::int64_t>();
    } catch (const Poco::Exception&) {
    }
  }
  throw BadInput("\"" + key + "\" must be an integer");
}

std::optional<bool> optBool(const JsonObject& object, const std::string& key) {
  if (!object->has(key) || object->isNull(key)) return std::nullopt;
  const Poco::Dynamic::Var value = object->get(key);
  if (!value.isBoolean()) throw BadInput("\"" + key + "\" must be a boolean");
  return value.extract<bool>();
}

std::optional<std::vector<std::string>> optStringList(const JsonObject& object,
                                                      const std::string& key) {
  if (!object->has(key) || object->isNull(key)) return std::nullopt;
  JsonArray array = object->getArray(key);
  if (array.isNull()) throw BadInput("\"" + key + "\" must be an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const Poco::Dynamic::Var item = array->get(static_cast<unsigned int>(i));
    if (!item.isString()) throw BadInput("\"" + key + "\" must be an array of strings");
    out.push_back(item.extract<std::string>());
  }
  return out;
}

JsonObject optObject(const JsonObject& object, const std::string& key) {
  if (!object->has(key) || object->isNull(key)) return nullptr;
  JsonObject out = object->getObject(key);
  if (out.isNull()) throw BadInput("\"" + key + "\" must be an object");
  return out;
}

Poco::Dynamic::Var stringOrNull(const std::string& value) {
  if (value.empty()) return Poco::Dynamic::Var();
  return value;
}

Poco::Dynamic::Var intOrNull(std::int64_t value) {
  if (value == 0) return Poco::Dynamic::Var();
  return value;
}

}  // namespace lxdrunner::github_sim
