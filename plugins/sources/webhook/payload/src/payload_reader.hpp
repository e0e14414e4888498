// SPDX-License-Identifier: Apache-2.0
// Typed reads on top of JsonScanner, shared by the payload parsers.
//
// Syntax errors stop the walk (the scanner is sticky). Schema errors (wrong type, out of
// range, duplicate key) are only noted, the first one kept, and the offending value is
// skipped with full validation: so a body gets a schema error only if it is valid JSON,
// and the error a client sees does not depend on which problem we happened to meet first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lxdrunner/webhook/json_scanner.hpp"
#include "lxdrunner/webhook/parse_error.hpp"

namespace lxdrunner::webhook::detail {

class PayloadReader {
 public:
  enum class Null { kAllowed, kRejected };  // may the value be JSON null (keeping the default)

  explicit PayloadReader(std::string_view body) noexcept : json_(body) {}

  JsonScanner& json() noexcept { return json_; }

  void note(ParseErrorKind kind, std::size_t position, std::string message);

  // Records that `field` (one bit of `seen`) was met; meeting it twice is a duplicate.
  void markSeen(std::uint32_t& seen, std::uint32_t bit, std::string_view field);

  // Read the value at the cursor into `out`; on null (when allowed) `out` is left as is.
  void readString(std::string_view field, std::string& out, Null null);
  void readUnsigned(std::string_view field, std::uint64_t& out, std::uint64_t max, Null null);
  void readStringArray(std::string_view field, std::vector<std::string>& out,
                       std::size_t max_items);

  // True when an object was entered (walk it with json().nextMember()); false for an allowed
  // null or for any other type (noted and skipped).
  bool enterObject(std::string_view field, Null null);

  // After the top-level value: the syntax error, else the first noted error, else nullopt.
  std::optional<ParseError> finish();

 private:
  bool consumeAllowedNull(Null null);
  void skipWrongType(std::string_view field, std::string_view expected);

  JsonScanner json_;
  std::optional<ParseError> noted_;
};

}  // namespace lxdrunner::webhook::detail
