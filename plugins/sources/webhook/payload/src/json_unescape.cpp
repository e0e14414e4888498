// SPDX-License-Identifier: Apache-2.0
#include "json_unescape.hpp"

#include "utf8.hpp"

namespace lxdrunner::webhook::detail {

void unescapeValidated(std::string_view raw, std::string& out) {
  out.clear();
  out.reserve(raw.size());
  std::size_t i = 0;
  while (i < raw.size()) {
    const std::size_t backslash = raw.find('\\', i);
    if (backslash == std::string_view::npos) {
      out.append(raw.substr(i));
      return;
    }
    out.append(raw.substr(i, backslash - i));
    const char escape = raw[backslash + 1];
    i = backslash + 2;
    switch (escape) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        auto cp = static_cast<std::uint32_t>(hex4(raw.data() + i));
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // the scanner guaranteed a low surrogate follows
          const auto low = static_cast<std::uint32_t>(hex4(raw.data() + i + 2));
          i += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        out.push_back(escape);
        break;  // '"', '\\' and '/' stand for themselves
    }
  }
}

}  // namespace lxdrunner::webhook::detail
