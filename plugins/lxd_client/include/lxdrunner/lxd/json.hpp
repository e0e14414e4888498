// SPDX-License-Identifier: Apache-2.0
// Small, forgiving accessors over Poco::JSON: LXD adds fields between versions and sends
// null for empty ones, so every read names a fallback instead of throwing.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lxdrunner::lxd::json {

// Parses text that must be a JSON object; throws LxdError(INTERNAL) naming `what` if not.
Poco::JSON::Object::Ptr parseObject(const std::string& text, const std::string& what);
// Parses any JSON value.
Poco::Dynamic::Var parse(const std::string& text, const std::string& what);

std::string text(const Poco::JSON::Object::Ptr& object, const std::string& key,
                 const std::string& fallback = {});
int64_t integer(const Poco::JSON::Object::Ptr& object, const std::string& key,
                int64_t fallback = 0);
bool boolean(const Poco::JSON::Object::Ptr& object, const std::string& key, bool fallback = false);
// Null when absent or not an object.
Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& object, const std::string& key);
Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& object, const std::string& key);
Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value);

std::map<std::string, std::string> stringMap(const Poco::JSON::Object::Ptr& object);
std::vector<std::string> stringList(const Poco::JSON::Array::Ptr& array);

Poco::JSON::Object::Ptr toObject(const std::map<std::string, std::string>& values);
Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& values);
std::string stringify(const Poco::Dynamic::Var& value);

}  // namespace lxdrunner::lxd::json
