// SPDX-License-Identifier: Apache-2.0
#include "payload_reader.hpp"

#include <utility>

namespace lxdrunner::webhook::detail {

void PayloadReader::note(ParseErrorKind kind, std::size_t position, std::string message) {
  if (!noted_) noted_ = ParseError{kind, position, std::move(message)};
}

void PayloadReader::markSeen(std::uint32_t& seen, std::uint32_t bit, std::string_view field) {
  if ((seen & bit) != 0) {
    note(ParseErrorKind::kDuplicateKey, json_.position(), "duplicate key " + std::string(field));
  }
  seen |= bit;
}

bool PayloadReader::consumeAllowedNull(Null null) {
  if (null != Null::kAllowed || json_.peek() != JsonKind::kNull) return false;
  json_.readLiteral();
  return true;
}

void PayloadReader::skipWrongType(std::string_view field, std::string_view expected) {
  const std::size_t at = json_.position();
  // A byte that starts no value at all is a syntax error, which skipValue reports.
  if (json_.skipValue()) {
    note(ParseErrorKind::kWrongType, at,
         std::string(field) + ": expected " + std::string(expected));
  }
}

void PayloadReader::readString(std::string_view field, std::string& out, Null null) {
  if (consumeAllowedNull(null)) return;
  if (json_.peek() != JsonKind::kString) return skipWrongType(field, "a string");
  json_.readString(out);
}

void PayloadReader::readUnsigned(std::string_view field, std::uint64_t& out, std::uint64_t max,
                                 Null null) {
  if (consumeAllowedNull(null)) return;
  if (json_.peek() != JsonKind::kNumber) return skipWrongType(field, "a non-negative integer");
  const std::size_t at = json_.position();
  JsonNumber number;
  if (!json_.readNumber(number)) return;
  if (!number.isUnsignedInteger() || number.value > max) {
    note(ParseErrorKind::kOutOfRange, at,
         std::string(field) + ": expected an integer from 0 to " + std::to_string(max));
    return;
  }
  out = number.value;
}

void PayloadReader::readStringArray(std::string_view field, std::vector<std::string>& out,
                                    std::size_t max_items) {
  const JsonKind kind = json_.peek();
  const std::size_t at = json_.position();
  if (kind == JsonKind::kNull) {
    json_.readLiteral();
    note(ParseErrorKind::kWrongType, at, std::string(field) + " is null");
    return;
  }
  if (kind != JsonKind::kArray) return skipWrongType(field, "an array of strings");
  json_.enterArray();
  out.clear();  // a duplicate key's last value wins (it is reported as an error anyway)
  for (std::size_t index = 0; json_.nextElement(); ++index) {
    if (json_.peek() != JsonKind::kString) {
      skipWrongType(std::string(field) + "[" + std::to_string(index) + "]", "a string");
    } else if (out.size() >= max_items) {
      const std::size_t item_at = json_.position();
      if (json_.skipValue()) {
        note(ParseErrorKind::kOutOfRange, item_at,
             std::string(field) + ": more than " + std::to_string(max_items) + " items");
      }
    } else {
      out.emplace_back();
      json_.readString(out.back());
    }
  }
}

bool PayloadReader::enterObject(std::string_view field, Null null) {
  if (consumeAllowedNull(null)) return false;
  if (json_.peek() != JsonKind::kObject) {
    skipWrongType(field, "an object");
    return false;
  }
  return json_.enterObject();
}

std::optional<ParseError> PayloadReader::finish() {
  if (json_.finish() && !noted_) return std::nullopt;
  if (json_.failed()) {
    return ParseError{ParseErrorKind::kSyntax, json_.errorPosition(), json_.errorMessage()};
  }
  return noted_;
}

}  // namespace lxdrunner::webhook::detail
