// SPDX-License-Identifier: Apache-2.0
// Conversions between the ABI's borrowed slices/sinks and C++ strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::sdk {

inline std::string_view view(lxdr_str s) noexcept {
  return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

inline std::string copy(lxdr_str s) {
  return std::string(view(s));
}

inline lxdr_str slice(std::string_view s) noexcept {
  return lxdr_str{s.data(), s.size()};
}

inline std::vector<std::string> copyAll(const lxdr_str* items, size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(copy(items[i]));
  return out;
}

inline std::vector<lxdr_str> slices(const std::vector<std::string>& items) {
  std::vector<lxdr_str> out;
  out.reserve(items.size());
  for (const auto& s : items) out.push_back(slice(s));
  return out;
}

// A sink that appends to a std::string the caller keeps alive for the call.
inline lxdr_sink stringSink(std::string& target) noexcept {
  return lxdr_sink{&target, [](void* ctx, const char* data, size_t len) {
                     static_cast<std::string*>(ctx)->append(data, len);
                   }};
}

inline void write(const lxdr_sink* sink, std::string_view text) {
  if (sink != nullptr && sink->append != nullptr) sink->append(sink->ctx, text.data(), text.size());
}

}  // namespace lxdrunner::sdk
