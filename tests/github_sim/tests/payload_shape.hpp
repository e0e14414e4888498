// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/json_util.hpp"

namespace lxdrunner::github_sim::testing {

inline std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(LXDRUNNER_TEST_DATA_DIR) + "/fixtures/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline const char* jsonKind(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) return "null";
  if (value.type() == typeid(JsonObject)) return "object";
  if (value.type() == typeid(JsonArray)) return "array";
  if (value.isBoolean()) return "boolean";
  if (value.isNumeric()) return "number";
  return "string";
}

// Where `actual` differs in shape from `expected`: missing or extra keys, or a different JSON
// type where neither side is null (nullable fields may be null on either side). Arrays are not
// compared item by item: their lengths legitimately differ.
inline void shapeDifferences(const JsonObject& expected, const JsonObject& actual,
                             const std::string& path, std::vector<std::string>& out) {
  for (const auto& key : expected->getNames()) {
    if (!actual->has(key)) {
      out.push_back("missing " + path + key);
      continue;
    }
    const Poco::Dynamic::Var want = expected->get(key);
    const Poco::Dynamic::Var have = actual->get(key);
    if (want.isEmpty() || have.isEmpty()) continue;
    if (std::string(jsonKind(want)) != jsonKind(have)) {
      out.push_back(path + key + " is " + jsonKind(have) + ", expected " + jsonKind(want));
    } else if (want.type() == typeid(JsonObject)) {
      shapeDifferences(want.extract<JsonObject>(), have.extract<JsonObject>(), path + key + ".",
                       out);
    }
  }
  for (const auto& key : actual->getNames()) {
    if (!expected->has(key)) out.push_back("extra " + path + key);
  }
}

inline std::vector<std::string> shapeDifferences(const std::string& expectedJson,
                                                 const std::string& actualJson) {
  std::vector<std::string> out;
  shapeDifferences(parseObject(expectedJson), parseObject(actualJson), "", out);
  return out;
}

}  // namespace lxdrunner::github_sim::testing
