// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/settings_schema.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cmath>
#include <optional>
#include <regex>
#include <sstream>

namespace lxdrunner::plugin_host {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

bool isObject(const Var& v) {
  return v.type() == typeid(Object::Ptr);
}
bool isArray(const Var& v) {
  return v.type() == typeid(Array::Ptr);
}
bool isNull(const Var& v) {
  return v.isEmpty();
}
bool isBool(const Var& v) {
  return v.type() == typeid(bool);
}
bool isNumber(const Var& v) {
  return !isBool(v) && v.isNumeric();
}
bool isInteger(const Var& v) {
  if (isBool(v) || !v.isNumeric()) return false;
  if (v.isInteger()) return true;
  const double d = v.convert<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

std::string typeOf(const Var& v) {
  if (isNull(v)) return "null";
  if (isBool(v)) return "boolean";
  if (isObject(v)) return "object";
  if (isArray(v)) return "array";
  if (v.isString()) return "string";
  return isInteger(v) ? "integer" : "number";
}

std::string text(const Var& v) {
  if (isObject(v) || isArray(v)) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(v, out);
    return out.str();
  }
  if (isNull(v)) return "null";
  if (v.isString()) return "\"" + v.toString() + "\"";
  return v.toString();
}

bool matchesType(const Var& v, const std::string& type) {
  if (type == "object") return isObject(v);
  if (type == "array") return isArray(v);
  if (type == "string") return v.isString();
  if (type == "integer") return isInteger(v);
  if (type == "number") return isNumber(v);
  if (type == "boolean") return isBool(v);
  if (type == "null") return isNull(v);
  return true;  // an unknown type name restricts nothing
}

class Validator {
 public:
  void check(const Object& schema, const Var& value, const std::string& path) {
    checkType(schema, value, path);
    checkEnum(schema, value, path);
    checkCombinations(schema, value, path);
    if (isNumber(value)) checkNumber(schema, value.convert<double>(), path);
    if (value.isString()) checkString(schema, value.toString(), path);
    if (isArray(value)) checkArray(schema, *value.extract<Array::Ptr>(), path);
    if (isObject(value)) checkObject(schema, *value.extract<Object::Ptr>(), path);
  }

  std::vector<std::string> problems;

 private:
  void problem(const std::string& path, const std::string& what) {
    problems.push_back(path + ": " + what);
  }

  void checkType(const Object& schema, const Var& value, const std::string& path) {
    if (!schema.has("type")) return;
    const Var type = schema.get("type");
    std::vector<std::string> allowed;
    if (isArray(type)) {
      for (const auto& t : *type.extract<Array::Ptr>()) allowed.push_back(t.toString());
    } else {
      allowed.push_back(type.toString());
    }
    for (const auto& t : allowed) {
      if (matchesType(value, t)) return;
    }
    std::string list;
    for (const auto& t : allowed) list += (list.empty() ? "" : " or ") + t;
    problem(path, "must be " + list + ", not " + typeOf(value) + " " + text(value));
  }

  void checkEnum(const Object& schema, const Var& value, const std::string& path) {
    if (schema.has("const") && text(schema.get("const")) != text(value)) {
      problem(path, "must be " + text(schema.get("const")) + ", not " + text(value));
    }
    if (!schema.has("enum") || !isArray(schema.get("enum"))) return;
    std::string list;
    for (const auto& option : *schema.getArray("enum")) {
      if (text(option) == text(value)) return;
      list += (list.empty() ? "" : ", ") + text(option);
    }
    problem(path, "must be one of " + list + ", not " + text(value));
  }

  // oneOf/anyOf/allOf: each branch is checked on its own; their problems are reported only
  // when the combination fails, as one line.
  void checkCombinations(const Object& schema, const Var& value, const std::string& path) {
    for (const char* keyword : {"oneOf", "anyOf", "allOf"}) {
      if (!schema.has(keyword) || !isArray(schema.get(keyword))) continue;
      size_t passed = 0;
      size_t branches = 0;
      std::string first_problem;
      for (const auto& branch : *schema.getArray(keyword)) {
        if (!isObject(branch)) continue;
        ++branches;
        Validator inner;
        inner.check(*branch.extract<Object::Ptr>(), value, path);
        if (inner.problems.empty()) {
          ++passed;
        } else if (first_problem.empty()) {
          first_problem = inner.problems.front();
        }
      }
      const std::string k = keyword;
      if (k == "allOf" && passed != branches) problems.push_back(first_problem);
      const std::string none = text(value) + " fits none of the " + std::to_string(branches) +
                               " allowed forms (the first: " + first_problem + ")";
      if (k == "anyOf" && passed == 0 && branches > 0) problem(path, none);
      if (k == "oneOf" && passed != 1 && branches > 0) {
        problem(path, passed == 0 ? none : text(value) + " fits more than one allowed form");
      }
    }
  }

  void checkNumber(const Object& schema, double v, const std::string& path) {
    auto bound = [&](const char* key) -> std::optional<double> {
      if (!schema.has(key) || !isNumber(schema.get(key))) return std::nullopt;
      return schema.get(key).convert<double>();
    };
    auto shown = [](double d) {
      std::ostringstream out;
      out << d;
      return out.str();
    };
    if (auto m = bound("minimum"); m && v < *m) problem(path, "must be at least " + shown(*m));
    if (auto m = bound("maximum"); m && v > *m) problem(path, "must be at most " + shown(*m));
    if (auto m = bound("exclusiveMinimum"); m && v <= *m) {
      problem(path, "must be more than " + shown(*m));
    }
    if (auto m = bound("exclusiveMaximum"); m && v >= *m) {
      problem(path, "must be less than " + shown(*m));
    }
  }

  void checkString(const Object& schema, const std::string& v, const std::string& path) {
    if (schema.has("minLength") && v.size() < schema.getValue<size_t>("minLength")) {
      problem(path, "must be at least " + schema.get("minLength").toString() + " characters");
    }
    if (schema.has("maxLength") && v.size() > schema.getValue<size_t>("maxLength")) {
      problem(path, "must be at most " + schema.get("maxLength").toString() + " characters");
    }
    if (schema.has("pattern")) {
      const std::string pattern = schema.getValue<std::string>("pattern");
      try {
        if (!std::regex_search(v, std::regex(pattern, std::regex::ECMAScript))) {
          problem(path, "\"" + v + "\" does not match " + pattern);
        }
      } catch (const std::regex_error&) {
        problem(path, "the schema's pattern " + pattern + " is not a valid regular expression");
      }
    }
  }

  void checkArray(const Object& schema, const Array& v, const std::string& path) {
    if (schema.has("minItems") && v.size() < schema.getValue<size_t>("minItems")) {
      problem(path, "must have at least " + schema.get("minItems").toString() + " item(s)");
    }
    if (schema.has("maxItems") && v.size() > schema.getValue<size_t>("maxItems")) {
      problem(path, "must have at most " + schema.get("maxItems").toString() + " item(s)");
    }
    if (schema.has("items") && isObject(schema.get("items"))) {
      const Object::Ptr items = schema.getObject("items");
      for (size_t i = 0; i < v.size(); ++i) {
        check(*items, v.get(static_cast<unsigned>(i)), path + "[" + std::to_string(i) + "]");
      }
    }
  }

  void checkObject(const Object& schema, const Object& v, const std::string& path) {
    const Object::Ptr properties = schema.has("properties") && isObject(schema.get("properties"))
                                       ? schema.getObject("properties")
                                       : Object::Ptr();
    if (schema.has("required") && isArray(schema.get("required"))) {
      for (const auto& key : *schema.getArray("required")) {
        if (!v.has(key.toString())) problem(path, "needs the key " + key.toString());
      }
    }
    const Var additional =
        schema.has("additionalProperties") ? schema.get("additionalProperties") : Var(true);
    std::string known;
    if (properties) {
      for (const auto& [name, unused] : *properties) known += (known.empty() ? "" : ", ") + name;
    }
    for (const auto& [key, value] : v) {
      const std::string sub = path + "." + key;
      if (properties && properties->has(key) && isObject(properties->get(key))) {
        check(*properties->getObject(key), value, sub);
      } else if (isBool(additional) && !additional.convert<bool>()) {
        problem(sub, "unknown key (known: " + (known.empty() ? std::string("none") : known) + ")");
      } else if (isObject(additional)) {
        check(*additional.extract<Object::Ptr>(), value, sub);
      }
    }
  }
};

}  // namespace

std::vector<std::string> validateSettings(const std::string& schema_json,
                                          const std::string& settings_json) {
  Var schema;
  try {
    schema = Poco::JSON::Parser().parse(schema_json);
  } catch (const Poco::Exception& e) {
    return {"config_schema: not valid JSON (" + e.displayText() + ")"};
  }
  if (!isObject(schema)) return {"config_schema: not a JSON object"};
  Var settings;
  try {
    settings = Poco::JSON::Parser().parse(settings_json.empty() ? "{}" : settings_json);
  } catch (const Poco::Exception& e) {
    return {"settings: not valid JSON (" + e.displayText() + ")"};
  }
  Validator validator;
  validator.check(*schema.extract<Object::Ptr>(), settings, "settings");
  return validator.problems;
}

}  // namespace lxdrunner::plugin_host
