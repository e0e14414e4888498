// SPDX-License-Identifier: Apache-2.0
#include "jobs/job_store_labels.hpp"

#include <cstdint>
#include <stdexcept>

namespace lxdrunner::jobs {
namespace {

const char* const kHex = "0123456789abcdef";

void appendUtf8(std::string& out, uint32_t cp) {
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

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  std::vector<std::string> array() {
    std::vector<std::string> out;
    expect('[');
    if (peek() == ']') {
      ++i_;
    } else {
      for (;;) {
        out.push_back(string());
        char c = next();
        if (c == ']') break;
        if (c != ',') fail();
      }
    }
    skipSpace();
    if (i_ != s_.size()) fail();
    return out;
  }

 private:
  [[noreturn]] void fail() const {
    throw std::invalid_argument("job labels column is not a JSON array of strings");
  }
  void skipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  char peek() {
    skipSpace();
    if (i_ >= s_.size()) fail();
    return s_[i_];
  }
  char next() {
    char c = peek();
    ++i_;
    return c;
  }
  void expect(char c) {
    if (next() != c) fail();
  }
  uint32_t hex4() {
    if (i_ + 4 > s_.size()) fail();
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        fail();
      }
    }
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail();
      char c = s_[i_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail();
      char e = s_[i_++];
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
          uint32_t cp = hex4();
          // A high surrogate followed by a low one encodes one code point beyond the BMP.
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 1 < s_.size() && s_[i_] == '\\' &&
              s_[i_ + 1] == 'u') {
            i_ += 2;
            uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          appendUtf8(out, cp);
          break;
        }
        default:
          fail();
      }
    }
  }

  const std::string& s_;
  size_t i_ = 0;
};

}  // namespace

std::string labelsToJson(const std::vector<std::string>& labels) {
  std::string out = "[";
  for (size_t n = 0; n < labels.size(); ++n) {
    if (n > 0) out += ',';
    out += '"';
    for (char c : labels[n]) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 0xF];
      } else {
        out += c;  // UTF-8 bytes pass through unchanged
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

std::vector<std::string> labelsFromJson(const std::string& json) {
  return Parser(json).array();
}

}  // namespace lxdrunner::jobs
