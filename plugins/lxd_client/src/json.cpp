// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/json.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "lxdrunner/lxd/error.hpp"

namespace lxdrunner::lxd::json {

Poco::Dynamic::Var parse(const std::string& text, const std::string& what) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text);
  } catch (const Poco::Exception& e) {
    std::string start = text.substr(0, 120);
    throw LxdError(LXDR_ERR_INTERNAL,
                   what + " is not valid JSON (" + e.displayText() + "): " + start);
  }
}

Poco::JSON::Object::Ptr parseObject(const std::string& text, const std::string& what) {
  Poco::JSON::Object::Ptr object = asObject(parse(text, what));
  if (object.isNull()) throw LxdError(LXDR_ERR_INTERNAL, what + " is not a JSON object");
  return object;
}

Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) return {};
  if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
    return value.extract<Poco::JSON::Object::Ptr>();
  }
  return {};
}

std::string text(const Poco::JSON::Object::Ptr& object, const std::string& key,
                 const std::string& fallback) {
  if (object.isNull() || !object->has(key) || object->isNull(key)) return fallback;
  Poco::Dynamic::Var v = object->get(key);
  return v.isString() ? v.extract<std::string>() : v.convert<std::string>();
}

int64_t integer(const Poco::JSON::Object::Ptr& object, const std::string& key, int64_t fallback) {
  if (object.isNull() || !object->has(key) || object->isNull(key)) return fallback;
  try {
    return object->get(key).convert<Poco::Int64>();
  } catch (const Poco::Exception&) {
    return fallback;
  }
}

bool boolean(const Poco::JSON::Object::Ptr& object, const std::string& key, bool fallback) {
  if (object.isNull() || !object->has(key) || object->isNull(key)) return fallback;
  try {
    Poco::Dynamic::Var v = object->get(key);
    if (v.isString()) {
      std::string s = v.extract<std::string>();
      return s == "true" || s == "1" || s == "yes";
    }
    return v.convert<bool>();
  } catch (const Poco::Exception&) {
    return fallback;
  }
}

Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& parent, const std::string& key) {
  if (parent.isNull() || !parent->has(key)) return {};
  return asObject(parent->get(key));
}

Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& parent, const std::string& key) {
  if (parent.isNull() || !parent->has(key)) return {};
  Poco::Dynamic::Var v = parent->get(key);
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) return v.extract<Poco::JSON::Array::Ptr>();
  return {};
}

std::map<std::string, std::string> stringMap(const Poco::JSON::Object::Ptr& object) {
  std::map<std::string, std::string> out;
  if (object.isNull()) return out;
  for (const auto& [key, value] : *object) {
    if (value.isEmpty()) continue;
    out[key] = value.isString() ? value.extract<std::string>() : value.convert<std::string>();
  }
  return out;
}

std::vector<std::string> stringList(const Poco::JSON::Array::Ptr& array) {
  std::vector<std::string> out;
  if (array.isNull()) return out;
  for (const auto& value : *array) out.push_back(value.convert<std::string>());
  return out;
}

Poco::JSON::Object::Ptr toObject(const std::map<std::string, std::string>& values) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object();
  for (const auto& [key, value] : values) object->set(key, value);
  return object;
}

Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& values) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
  for (const auto& value : values) array->add(value);
  return array;
}

std::string stringify(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out);
  return out.str();
}

}  // namespace lxdrunner::lxd::json
