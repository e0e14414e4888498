// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/sim_errors.hpp"

namespace lxdrunner::github_sim {

using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;

// Objects keep insertion order so payloads list fields in GitHub's order.
JsonObject newObject();
JsonArray newArray();
JsonArray stringArray(const std::vector<std::string>& values);
// Compact JSON text. 64-bit integers are written exactly (no double round trip).
std::string toJson(const Poco::Dynamic::Var& value);
// Parses a JSON object; throws BadInput for anything else (including an empty body).
JsonObject parseObject(const std::string& text);
// Parses an object, treating an empty body as {}.
JsonObject parseObjectOrEmpty(const std::string& text);

// Typed field access; nullopt when absent or null, BadInput when present with a wrong type.
std::optional<std::string> optString(const JsonObject& object, const std::string& key);
std::optional<std::int64_t> optInt(const JsonObject& object, const std::string& key);
std::optional<bool> optBool(const JsonObject& object, const std::string& key);
std::optional<std::vector<std::string>> optStringList(const JsonObject& object,
                                                      const std::string& key);
JsonObject optObject(const JsonObject& object, const std::string& key);

// JSON null when the value is empty/zero: GitHub writes null for unset runner fields.
Poco::Dynamic::Var stringOrNull(const std::string& value);
Poco::Dynamic::Var intOrNull(std::int64_t value);

}  // namespace lxdrunner::github_sim
