// SPDX-License-Identifier: Apache-2.0
// A small JSON reader for the settings a plugin gets as JSON text (its own configuration,
// a runnermap entry): the SDK is header-only and needs no JSON library, so a plugin built
// where only a compiler exists can read them too. Reads; never writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::sdk {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // a string's value, or a number as written
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;  // in document order

  // The member `key` of an object, or nullptr (the last one when a key repeats).
  const JsonValue* member(std::string_view key) const noexcept {
    const JsonValue* found = nullptr;
    for (const auto& m : members) {
      if (m.first == key) found = &m.second;
    }
    return found;
  }

  // Compact JSON text of the value (members in document order).
  std::string dump() const {
    switch (type) {
      case Type::kNull:
        return "null";
      case Type::kBool:
        return boolean ? "true" : "false";
      case Type::kNumber:
        return text;
      case Type::kString:
        return quoted(text);
      case Type::kArray: {
        std::string out = "[";
        for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ",") + items[i].dump();
        return out + "]";
      }
      case Type::kObject: {
        std::string out = "{";
        for (size_t i = 0; i < members.size(); ++i) {
          out += (i == 0 ? "" : ",") + quoted(members[i].first) + ":" + members[i].second.dump();
        }
        return out + "}";
      }
    }
    return "null";
  }

  static std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += ch;
      } else if (c < 0x20) {
        constexpr const char* kHex = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      } else {
        out += ch;
      }
    }
    return out + "\"";
  }

  // Parses one JSON document. Throws Error(LXDR_ERR_INVALID_ARGUMENT) naming `what` and the
  // byte offset of the problem.
  static JsonValue parse(std::string_view text, const std::string& what) {
    Parser p{text, 0, what};
    JsonValue v = p.value(0);
    p.space();
    if (p.at != text.size()) p.fail("unexpected text after the JSON value");
    return v;
  }

 private:
  struct Parser {
    std::string_view in;
    size_t at;
    const std::string& what;

    // Nesting this deep is no setting anyone writes; the limit keeps the stack bounded.
    static constexpr int kMaxDepth = 64;

    [[noreturn]] void fail(const std::string& why) const {
      throw Error(LXDR_ERR_INVALID_ARGUMENT,
                  what + " is not valid JSON: " + why + " at byte " + std::to_string(at));
    }
    void space() noexcept {
      while (at < in.size() &&
             (in[at] == ' ' || in[at] == '\t' || in[at] == '\n' || in[at] == '\r')) {
        ++at;
      }
    }
    bool take(char c) noexcept {
      space();
      if (at < in.size() && in[at] == c) {
        ++at;
        return true;
      }
      return false;
    }
    void expect(char c) {
      if (!take(c)) fail(std::string("expected '") + c + "'");
    }
    bool word(std::string_view w) noexcept {
      if (in.substr(at, w.size()) != w) return false;
      at += w.size();
      return true;
    }

    JsonValue value(int depth) {
      if (depth > kMaxDepth) fail("nested too deeply");
      space();
      if (at >= in.size()) fail("unexpected end");
      JsonValue v;
      const char c = in[at];
      if (c == '{') {
        ++at;
        v.type = Type::kObject;
        if (take('}')) return v;
        do {
          space();
          std::string key = string();
          expect(':');
          v.members.emplace_back(std::move(key), value(depth + 1));
        } while (take(','));
        expect('}');
      } else if (c == '[') {
        ++at;
        v.type = Type::kArray;
        if (take(']')) return v;
        do {
          v.items.push_back(value(depth + 1));
        } while (take(','));
        expect(']');
      } else if (c == '"') {
        v.type = Type::kString;
        v.text = string();
      } else if (word("true")) {
        v.type = Type::kBool;
        v.boolean = true;
      } else if (word("false")) {
        v.type = Type::kBool;
      } else if (word("null")) {
        v.type = Type::kNull;
      } else {
        v.type = Type::kNumber;
        v.text = number();
      }
      return v;
    }

    std::string number() {
      const size_t start = at;
      auto digits = [&] {
        const size_t from = at;
        while (at < in.size() && in[at] >= '0' && in[at] <= '9') ++at;
        return at > from;
      };
      if (at < in.size() && in[at] == '-') ++at;
      if (!digits()) fail("expected a value");
      if (at < in.size() && in[at] == '.') {
        ++at;
        if (!digits()) fail("expected digits after '.'");
      }
      if (at < in.size() && (in[at] == 'e' || in[at] == 'E')) {
        ++at;
        if (at < in.size() && (in[at] == '+' || in[at] == '-')) ++at;
        if (!digits()) fail("expected an exponent");
      }
      return std::string(in.substr(start, at - start));
    }

    unsigned hex4() {
      if (in.size() - at < 4) fail("short \\u escape");
      unsigned value = 0;
      for (int i = 0; i < 4; ++i) {
        const char h = in[at++];
        value <<= 4;
        if (h >= '0' && h <= '9') {
          value |= static_cast<unsigned>(h - '0');
        } else if (h >= 'a' && h <= 'f') {
          value |= static_cast<unsigned>(h - 'a' + 10);
        } else if (h >= 'A' && h <= 'F') {
          value |= static_cast<unsigned>(h - 'A' + 10);
        } else {
          fail("bad \\u escape");
        }
      }
      return value;
    }

    static void utf8(std::string& out, unsigned cp) {
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    }

    std::string string() {
      if (at >= in.size() || in[at] != '"') fail("expected a string");
      ++at;
      std::string out;
      while (at < in.size() && in[at] != '"') {
        const char c = in[at++];
        if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
        if (c != '\\') {
          out += c;
          continue;
        }
        if (at >= in.size()) break;
        const char e = in[at++];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            unsigned cp = hex4();
            if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair's first half
              if (!word("\\u")) fail("lone surrogate");
              const unsigned low = hex4();
              if (low < 0xDC00 || low > 0xDFFF) fail("lone surrogate");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              fail("lone surrogate");
            }
            utf8(out, cp);
            break;
          }
          default:
            fail("bad escape");
        }
      }
      if (at >= in.size()) fail("unterminated string");
      ++at;
      return out;
    }
  };
};

}  // namespace lxdrunner::sdk
