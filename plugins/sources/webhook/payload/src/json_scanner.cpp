// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/webhook/json_scanner.hpp"

#include "json_unescape.hpp"
#include "lxdrunner/webhook/detail/byte_scan.hpp"
#include "utf8.hpp"

namespace lxdrunner::webhook {
namespace {

constexpr const char* kEndOfInput = "unexpected end of input";

// Open containers are tracked one bit per level in 64-bit words.
static_assert(JsonScanner::kMaxDepth <= 64, "array_bits_/first_bits_ hold one bit per level");

bool isDigit(unsigned char c) noexcept {
  return c >= '0' && c <= '9';
}

const unsigned char* bytesOf(std::string_view text) noexcept {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Index of the first non-whitespace byte at or after i. Called before every token, so the
// case of compact JSON (no whitespace at all) is a single inlined comparison.
std::size_t skipWhitespaceRun(const unsigned char* bytes, std::size_t size,
                              std::size_t i) noexcept {
  while (i < size) {
    i += detail::spaceRunLength(bytes + i, size - i);
    if (i >= size || (bytes[i] != '\n' && bytes[i] != '\r' && bytes[i] != '\t')) break;
    ++i;
  }
  return i;
}

inline std::size_t skipWhitespaceAt(const unsigned char* bytes, std::size_t size,
                                    std::size_t i) noexcept {
  if (i < size && bytes[i] > ' ') return i;
  return skipWhitespaceRun(bytes, size, i);
}

}  // namespace

bool JsonScanner::fail(std::size_t position, const char* message) noexcept {
  if (error_ == nullptr) {
    error_ = message;
    error_position_ = position;
  }
  return false;
}

bool JsonScanner::failUnexpected() noexcept {
  if (pos_ >= text_.size()) return fail(text_.size(), kEndOfInput);
  return fail(pos_, "unexpected byte");
}

void JsonScanner::skipWhitespace() noexcept {
  pos_ = skipWhitespaceAt(bytesOf(text_), text_.size(), pos_);
}

bool JsonScanner::innermostIsArray() const noexcept {
  return depth_ > 0 && (array_bits_ >> (depth_ - 1) & 1u) != 0;
}

// ---- Tokens -------------------------------------------------------------------------

bool JsonScanner::scanEscapeAt(std::size_t& i) noexcept {
  const std::size_t size = text_.size();
  if (i + 1 >= size) return fail(size, kEndOfInput);
  switch (text_[i + 1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      i += 2;
      return true;
    case 'u':
      break;
    default:
      return fail(i, "invalid escape");
  }
  if (i + 6 > size) return fail(size, kEndOfInput);
  const std::int32_t unit = detail::hex4(text_.data() + i + 2);
  if (unit < 0) return fail(i, "invalid \\u escape");
  if (unit >= 0xDC00 && unit <= 0xDFFF) return fail(i, "lone surrogate in \\u escape");
  if (unit < 0xD800 || unit > 0xDBFF) {
    i += 6;
    return true;
  }
  // A high surrogate must be followed at once by an escaped low surrogate.
  if (i + 12 > size) return fail(size, kEndOfInput);
  if (text_[i + 6] != '\\' || text_[i + 7] != 'u') return fail(i, "lone surrogate in \\u escape");
  const std::int32_t low = detail::hex4(text_.data() + i + 8);
  if (low < 0) return fail(i + 6, "invalid \\u escape");
  if (low < 0xDC00 || low > 0xDFFF) return fail(i, "lone surrogate in \\u escape");
  i += 12;
  return true;
}

// Strings are most of a payload and nearly all of them are plain ASCII up to the closing
// quote: that case is kept small and forced inline into skipValue() and nextMember(), where
// a call per string cost about a fifth of the parse (gcc would not inline it by itself).
[[gnu::always_inline]] inline bool JsonScanner::scanStringAt(std::size_t& i,
                                                             bool& escaped) noexcept {
  const unsigned char* bytes = bytesOf(text_);
  const std::size_t size = text_.size();
  const std::size_t at = i + 1 + detail::plainPrefix(bytes + i + 1, size - i - 1);
  if (at < size && bytes[at] == '"') {
    i = at + 1;
    return true;
  }
  return scanStringRestAt(i, at, escaped);
}

// The rest of a string from the first byte plainPrefix() stopped at: escapes, non-ASCII,
// and the errors.
bool JsonScanner::scanStringRestAt(std::size_t& i, std::size_t at, bool& escaped) noexcept {
  const unsigned char* bytes = bytesOf(text_);
  const std::size_t size = text_.size();
  for (;;) {
    if (at >= size) return fail(size, kEndOfInput);
    const unsigned char c = bytes[at];
    if (c == '"') {
      i = at + 1;
      return true;
    }
    if (c == '\\') {
      escaped = true;
      if (!scanEscapeAt(at)) return false;
    } else if (c < 0x20) {
      return fail(at, "control character in string");
    } else {  // >= 0x80: plainPrefix() stops at nothing else
      const std::size_t length = detail::utf8SequenceLength(bytes + at, size - at);
      if (length == 0) return fail(at, "invalid UTF-8");
      at += length;
    }
    at += detail::plainPrefix(bytes + at, size - at);
  }
}

inline bool JsonScanner::scanNumberAt(std::size_t& i, JsonNumber& out) noexcept {
  const unsigned char* bytes = bytesOf(text_);
  const std::size_t size = text_.size();
  std::size_t at = i;
  out = JsonNumber{};
  if (bytes[at] == '-') {
    out.negative = true;
    ++at;
  }
  if (at >= size) return fail(size, kEndOfInput);
  if (bytes[at] == '0') {
    ++at;  // a leading zero stands alone; "01" fails later as an unexpected byte
  } else if (isDigit(bytes[at])) {
    std::uint64_t value = 0;
    for (; at < size && isDigit(bytes[at]); ++at) {
      const auto digit = static_cast<std::uint64_t>(bytes[at] - '0');
      if (value > (UINT64_MAX - digit) / 10) out.overflow = true;  // keep validating digits
      if (!out.overflow) value = value * 10 + digit;
    }
    out.value = value;
  } else {
    return fail(at, "invalid number");
  }
  if (at < size && bytes[at] == '.') {
    ++at;
    if (at >= size) return fail(size, kEndOfInput);
    if (!isDigit(bytes[at])) return fail(at, "invalid number");
    while (at < size && isDigit(bytes[at])) ++at;
    out.fraction = true;
  }
  if (at < size && (bytes[at] == 'e' || bytes[at] == 'E')) {
    ++at;
    if (at < size && (bytes[at] == '+' || bytes[at] == '-')) ++at;
    if (at >= size) return fail(size, kEndOfInput);
    if (!isDigit(bytes[at])) return fail(at, "invalid number");
    while (at < size && isDigit(bytes[at])) ++at;
    out.exponent = true;
  }
  i = at;
  return true;
}

inline bool JsonScanner::scanLiteralAt(std::size_t& i) noexcept {
  std::string_view literal = "null";
  if (text_[i] == 't') literal = "true";
  if (text_[i] == 'f') literal = "false";
  if (text_.substr(i, literal.size()) != literal) return fail(i, "invalid literal");
  i += literal.size();
  return true;
}

// From a member's opening quote to just past its ':'; `key_end` is just past the key.
// Forced inline for the same reason as scanStringAt().
[[gnu::always_inline]] inline bool JsonScanner::scanKeyAndColonAt(std::size_t& i,
                                                                  std::size_t& key_end,
                                                                  bool& escaped) noexcept {
  const unsigned char* bytes = bytesOf(text_);
  const std::size_t size = text_.size();
  if (i >= size) return fail(size, kEndOfInput);
  if (bytes[i] != '"') return fail(i, "expected a string key");
  if (!scanStringAt(i, escaped)) return false;
  key_end = i;
  i = skipWhitespaceAt(bytes, size, i);
  if (i >= size) return fail(size, kEndOfInput);
  if (bytes[i] != ':') return fail(i, "expected ':'");
  ++i;
  return true;
}

// ---- The walk -----------------------------------------------------------------------

JsonKind JsonScanner::peek() noexcept {
  if (failed()) return JsonKind::kNone;
  skipWhitespace();
  if (pos_ >= text_.size()) return JsonKind::kNone;
  switch (text_[pos_]) {
    case '{':
      return JsonKind::kObject;
    case '[':
      return JsonKind::kArray;
    case '"':
      return JsonKind::kString;
    case 't':
      return JsonKind::kTrue;
    case 'f':
      return JsonKind::kFalse;
    case 'n':
      return JsonKind::kNull;
    case '-':
      return JsonKind::kNumber;
    default:
      return isDigit(static_cast<unsigned char>(text_[pos_])) ? JsonKind::kNumber : JsonKind::kNone;
  }
}

bool JsonScanner::enterContainer(bool is_array) noexcept {
  if (peek() != (is_array ? JsonKind::kArray : JsonKind::kObject)) return failUnexpected();
  if (depth_ >= kMaxDepth) return fail(pos_, "nesting deeper than 64");
  ++pos_;
  const std::uint64_t bit = std::uint64_t{1} << depth_;
  ++depth_;
  array_bits_ = is_array ? (array_bits_ | bit) : (array_bits_ & ~bit);
  first_bits_ |= bit;
  return true;
}

bool JsonScanner::enterObject() noexcept {
  return enterContainer(false);
}
bool JsonScanner::enterArray() noexcept {
  return enterContainer(true);
}

bool JsonScanner::closeOrComma(char close, const char* expected) noexcept {
  if (failed()) return false;
  skipWhitespace();
  if (pos_ >= text_.size()) return fail(text_.size(), kEndOfInput);
  const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
  if (text_[pos_] == close) {
    ++pos_;
    --depth_;
    return false;
  }
  if ((first_bits_ & bit) != 0) {
    first_bits_ &= ~bit;  // the first member/element needs no comma
    return true;
  }
  if (text_[pos_] != ',') return fail(pos_, expected);
  ++pos_;
  return true;
}

// Steps through every member of the objects the parsers descend into (repository has
// ~100), so the comma, the key and the colon are checked in one pass over a local index.
bool JsonScanner::nextMember(std::string_view& key) {
  if (failed()) return false;
  if (depth_ == 0 || innermostIsArray()) return fail(pos_, "scanner misuse: not in an object");
  const unsigned char* bytes = bytesOf(text_);
  const std::size_t size = text_.size();
  std::size_t i = skipWhitespaceAt(bytes, size, pos_);
  if (i >= size) return fail(size, kEndOfInput);
  if (bytes[i] == '}') {
    pos_ = i + 1;
    --depth_;
    return false;
  }
  const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
  if ((first_bits_ & bit) != 0) {
    first_bits_ &= ~bit;  // the first member needs no comma
  } else {
    if (bytes[i] != ',') return fail(i, "expected ',' or '}'");
    i = skipWhitespaceAt(bytes, size, i + 1);
  }
  const std::size_t open = i;
  std::size_t key_end = 0;
  bool escaped = false;
  if (!scanKeyAndColonAt(i, key_end, escaped)) return false;
  pos_ = i;
  const std::string_view raw(text_.data() + open + 1, key_end - open - 2);  // inside the quotes
  if (escaped) {
    detail::unescapeValidated(raw, key_scratch_);
    key = key_scratch_;
  } else {
    key = raw;
  }
  return true;
}

bool JsonScanner::nextElement() noexcept {
  if (failed()) return false;
  if (!innermostIsArray()) return fail(pos_, "scanner misuse: not in an array");
  return closeOrComma(']', "expected ',' or ']'");
}

bool JsonScanner::readString(std::string& out) {
  if (peek() != JsonKind::kString) return failUnexpected();
  std::size_t i = pos_;
  bool escaped = false;
  if (!scanStringAt(i, escaped)) return false;
  const std::string_view raw(text_.data() + pos_ + 1, i - pos_ - 2);
  pos_ = i;
  if (escaped) {
    detail::unescapeValidated(raw, out);
  } else {
    out.assign(raw.data(), raw.size());
  }
  return true;
}

bool JsonScanner::readNumber(JsonNumber& out) noexcept {
  if (peek() != JsonKind::kNumber) return failUnexpected();
  std::size_t i = pos_;
  if (!scanNumberAt(i, out)) return false;
  pos_ = i;
  return true;
}

bool JsonScanner::readLiteral() noexcept {
  const JsonKind kind = peek();
  if (kind != JsonKind::kTrue && kind != JsonKind::kFalse && kind != JsonKind::kNull) {
    return failUnexpected();
  }
  std::size_t i = pos_;
  if (!scanLiteralAt(i)) return false;
  pos_ = i;
  return true;
}

// Most of a payload is values nobody reads (repository, sender), so this is the hot path:
// one loop over local state instead of the member-by-member walk, with the same checks and
// the same error messages as the rest of the scanner.
bool JsonScanner::skipValue() noexcept {
  if (failed()) return false;
  const unsigned char* bytes = bytesOf(text_);
  const std::size_t size = text_.size();
  const unsigned base = depth_;
  unsigned depth = depth_;
  std::uint64_t arrays = array_bits_;
  std::size_t i = pos_;
  // What the token scanners report that a skip does not need.
  JsonNumber ignored;
  bool escaped = false;
  std::size_t key_end = 0;

  for (;;) {
    // A value starts at i (after whitespace).
    i = skipWhitespaceAt(bytes, size, i);
    if (i >= size) return fail(size, kEndOfInput);
    const unsigned char c = bytes[i];
    bool value_done = true;
    if (c == '"') {
      if (!scanStringAt(i, escaped)) return false;
    } else if (c == '{' || c == '[') {
      if (depth >= kMaxDepth) return fail(i, "nesting deeper than 64");
      const std::uint64_t bit = std::uint64_t{1} << depth;
      arrays = c == '[' ? (arrays | bit) : (arrays & ~bit);
      ++depth;
      i = skipWhitespaceAt(bytes, size, i + 1);
      if (i < size && bytes[i] == (c == '[' ? ']' : '}')) {
        ++i;  // empty container
        --depth;
      } else {
        if (c == '{' && !scanKeyAndColonAt(i, key_end, escaped)) return false;
        value_done = false;  // its first value comes next
      }
    } else if (c == '-' || isDigit(c)) {
      if (!scanNumberAt(i, ignored)) return false;
    } else if (c == 't' || c == 'f' || c == 'n') {
      if (!scanLiteralAt(i)) return false;
    } else {
      return fail(i, "unexpected byte");
    }
    if (!value_done) continue;

    // After a value: close finished containers until one continues with a comma.
    for (;;) {
      if (depth == base) {
        pos_ = i;
        return true;
      }
      i = skipWhitespaceAt(bytes, size, i);
      if (i >= size) return fail(size, kEndOfInput);
      const bool in_array = (arrays >> (depth - 1) & 1u) != 0;
      if (bytes[i] == ',') {
        i = skipWhitespaceAt(bytes, size, i + 1);
        if (!in_array && !scanKeyAndColonAt(i, key_end, escaped)) return false;
        break;
      }
      if (bytes[i] != (in_array ? ']' : '}')) {
        return fail(i, in_array ? "expected ',' or ']'" : "expected ',' or '}'");
      }
      ++i;
      --depth;
    }
  }
}

bool JsonScanner::finish() noexcept {
  if (failed()) return false;
  if (depth_ != 0) return fail(pos_, "scanner misuse: containers left open");
  skipWhitespace();
  if (pos_ != text_.size()) return fail(pos_, "trailing bytes after the JSON value");
  return true;
}

std::optional<ParseError> validateJson(std::string_view text) {
  JsonScanner scanner(text);
  if (scanner.skipValue() && scanner.finish()) return std::nullopt;
  return ParseError{ParseErrorKind::kSyntax, scanner.errorPosition(), scanner.errorMessage()};
}

}  // namespace lxdrunner::webhook
