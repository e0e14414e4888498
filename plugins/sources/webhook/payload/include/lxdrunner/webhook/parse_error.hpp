// SPDX-License-Identifier: Apache-2.0
// What a payload parse returns: the value, or where and why the body was refused.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace lxdrunner::webhook {

// Lets the plugin pick the answer: every kind is a 400 except kUnknownAction, which is a
// well-formed delivery for an action this version does not handle (GitHub may add some).
enum class ParseErrorKind {
  kSyntax,         // not RFC 8259 JSON: bad UTF-8, escapes, numbers, depth, trailing bytes...
  kMissingField,   // a required field is absent
  kWrongType,      // a field (or the whole body) has the wrong JSON type, incl. labels: null
  kOutOfRange,     // a number that must be an id is negative, fractional or too large
  kDuplicateKey,   // a field we extract appears twice in the same object
  kUnknownAction,  // `action` is a string we do not know
};

struct ParseError {
  // `position` for errors that belong to the document rather than to a byte ("missing ...").
  static constexpr size_t kNoPosition = static_cast<size_t>(-1);

  ParseErrorKind kind = ParseErrorKind::kSyntax;
  size_t position = kNoPosition;  // byte offset into the body
  std::string message;            // e.g. "invalid UTF-8", "missing workflow_job.id"

  // "byte 1234: invalid UTF-8", or just the message when there is no position.
  std::string describe() const;
};

// Either a parsed T or the first error. Kept tiny on purpose: C++17 has no std::expected.
template <class T>
class ParseResult {
 public:
  ParseResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  ParseResult(ParseError error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // Precondition: ok(). Throws std::bad_variant_access otherwise.
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T value() && { return std::get<0>(std::move(state_)); }  // by value: no dangling

  // Precondition: !ok(). Throws std::bad_variant_access otherwise.
  const ParseError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, ParseError> state_;
};

}  // namespace lxdrunner::webhook
