// SPDX-License-Identifier: Apache-2.0
// Typed access to settings that come as JSON text: a plugin's own configuration
// (PluginBase::configuration()) and the runnermap entry a request is for (entry() of
// ProvisionRequest and LaunchRequest; an entry's provisioner_options is
// entry().section("provisioner_options")). Paths are dotted, with list indexes, as for
// Host::config(): "timeouts.start", "mirrors[0]".
//
// An absent setting gives the fallback (or nullopt); a present one of the wrong type throws
// Error(LXDR_ERR_INVALID_ARGUMENT) saying where it is and what it should be, so reading
// settings in a constructor fails the daemon's start-up with a message a person can act on.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"
#include "lxdrunner/sdk/json.hpp"

namespace lxdrunner::sdk {

class Settings {
 public:
  // No settings at all: every lookup is absent.
  Settings() : Settings(std::make_shared<const JsonValue>(), "settings", "") {}

  // `json` is an object's text ("" reads as {}); `where` names it in messages, e.g.
  // "the settings of plugin example-motd". Throws Error(LXDR_ERR_INVALID_ARGUMENT) when it is
  // not a JSON object.
  static Settings parse(std::string_view json, std::string where) {
    auto root = std::make_shared<const JsonValue>(
        json.empty() ? JsonValue{JsonValue::Type::kObject, false, {}, {}, {}}
                     : JsonValue::parse(json, where));
    if (root->type != JsonValue::Type::kObject) {
      throw Error(LXDR_ERR_INVALID_ARGUMENT, where + " is not a JSON object");
    }
    return Settings(std::move(root), std::move(where), "");
  }

  bool has(std::string_view path) const { return find(path) != nullptr; }

  // A scalar as text: a string as it is, a number as written, a boolean as true/false.
  std::optional<std::string> string(std::string_view path) const {
    const JsonValue* v = find(path);
    if (v == nullptr) return std::nullopt;
    switch (v->type) {
      case JsonValue::Type::kString:
      case JsonValue::Type::kNumber:
        return v->text;
      case JsonValue::Type::kBool:
        return std::string(v->boolean ? "true" : "false");
      default:
        throw wrongType(path, "a string");
    }
  }
  std::string string(std::string_view path, std::string fallback) const {
    auto v = string(path);
    return v ? std::move(*v) : std::move(fallback);
  }

  // A whole number (no fraction, no exponent) within int64_t.
  std::optional<int64_t> integer(std::string_view path) const {
    const JsonValue* v = find(path);
    if (v == nullptr) return std::nullopt;
    if (v->type != JsonValue::Type::kNumber) throw wrongType(path, "a whole number");
    const std::string& t = v->text;
    const bool negative = !t.empty() && t[0] == '-';
    uint64_t magnitude = 0;
    const uint64_t limit = negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX};
    for (size_t i = negative ? 1 : 0; i < t.size(); ++i) {
      if (t[i] < '0' || t[i] > '9') throw wrongType(path, "a whole number");
      const auto digit = static_cast<uint64_t>(t[i] - '0');
      if (magnitude > (limit - digit) / 10) throw wrongType(path, "a whole number in range");
      magnitude = magnitude * 10 + digit;
    }
    if (!negative) return static_cast<int64_t>(magnitude);
    return magnitude == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min()
                                            : -static_cast<int64_t>(magnitude);
  }
  int64_t integer(std::string_view path, int64_t fallback) const {
    return integer(path).value_or(fallback);
  }

  std::optional<bool> boolean(std::string_view path) const {
    const JsonValue* v = find(path);
    if (v == nullptr) return std::nullopt;
    if (v->type != JsonValue::Type::kBool) throw wrongType(path, "true or false");
    return v->boolean;
  }
  bool boolean(std::string_view path, bool fallback) const {
    return boolean(path).value_or(fallback);
  }

  // A list of scalars (see string()); empty when absent.
  std::vector<std::string> strings(std::string_view path) const {
    const JsonValue* v = find(path);
    if (v == nullptr) return {};
    if (v->type != JsonValue::Type::kArray) throw wrongType(path, "a list");
    std::vector<std::string> out;
    for (size_t i = 0; i < v->items.size(); ++i) {
      out.push_back(*string(std::string(path) + "[" + std::to_string(i) + "]"));
    }
    return out;
  }

  // A map within these settings, read with paths relative to it; empty when absent.
  Settings section(std::string_view path) const {
    const JsonValue* v = find(path);
    if (v == nullptr) {
      // A fresh empty map, not a shared static: a static here would be a unique symbol in a
      // plugin built without hidden visibility.
      return Settings(
          std::make_shared<const JsonValue>(JsonValue{JsonValue::Type::kObject, false, {}, {}, {}}),
          where_, full(path));
    }
    if (v->type != JsonValue::Type::kObject) throw wrongType(path, "a map");
    return Settings(root_, where_, full(path), v);
  }

  // The value at `path`, or nullptr when absent (a JSON null is absent too).
  const JsonValue* find(std::string_view path) const {
    const JsonValue* v = at_;
    size_t i = 0;
    while (v != nullptr && i < path.size()) {
      if (path[i] == '[') {
        const size_t close = path.find(']', i);
        if (close == std::string_view::npos) return nullptr;
        size_t index = 0;
        for (size_t k = i + 1; k < close; ++k) {
          if (path[k] < '0' || path[k] > '9') return nullptr;
          index = index * 10 + static_cast<size_t>(path[k] - '0');
        }
        v = v->type == JsonValue::Type::kArray && index < v->items.size() ? &v->items[index]
                                                                          : nullptr;
        i = close + 1;
        if (i < path.size() && path[i] == '.') ++i;
        continue;
      }
      size_t end = i;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      v = v->type == JsonValue::Type::kObject ? v->member(path.substr(i, end - i)) : nullptr;
      i = end < path.size() && path[end] == '.' ? end + 1 : end;
    }
    return v != nullptr && v->type != JsonValue::Type::kNull ? v : nullptr;
  }

 private:
  Settings(std::shared_ptr<const JsonValue> root, std::string where, std::string prefix,
           const JsonValue* at = nullptr)
      : root_(std::move(root)),
        at_(at != nullptr ? at : root_.get()),
        where_(std::move(where)),
        prefix_(std::move(prefix)) {}

  std::string full(std::string_view path) const {
    return prefix_.empty() ? std::string(path) : prefix_ + "." + std::string(path);
  }
  Error wrongType(std::string_view path, const char* expected) const {
    return Error(LXDR_ERR_INVALID_ARGUMENT, where_ + ": " + full(path) + " must be " + expected);
  }

  std::shared_ptr<const JsonValue> root_;
  const JsonValue* at_;
  std::string where_;
  std::string prefix_;  // the path of this section in the whole settings, for messages
};

}  // namespace lxdrunner::sdk
