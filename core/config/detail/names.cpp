// SPDX-License-Identifier: Apache-2.0
#include "config/detail/names.hpp"

#include <algorithm>
#include <cctype>

namespace lxdrunner::config::detail {

namespace {

constexpr std::size_t kLongestPluginName = 64;

bool isAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool isPluginName(const std::string& name) {
  return !name.empty() && name.size() <= kLongestPluginName &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

bool isRemoteName(const std::string& name) {
  return !name.empty() && isAlnum(name.front()) &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

bool checkPluginName(const Field& field, const std::string& name, DiagnosticSink& sink) {
  if (isPluginName(name)) {
    return true;
  }
  sink.error(
      positionOf(field), field.path,
      "'" + name +
          "' is not a valid plugin name: use 1 to 64 lowercase letters, digits, '-' and '_'");
  return false;
}

bool checkRemoteName(const Field& field, const std::string& name, DiagnosticSink& sink) {
  if (isRemoteName(name)) {
    return true;
  }
  sink.error(positionOf(field), field.path,
             "'" + name +
                 "' is not a valid remote name: use letters, digits, '-', '_' and '.', starting "
                 "with a letter or digit");
  return false;
}

}  // namespace lxdrunner::config::detail
