// SPDX-License-Identifier: Apache-2.0
// RFC 8259 conformance of the scanner on its own, independent of the payload schema.
#include <catch2/catch.hpp>
#include <string>

#include "lxdrunner/webhook/json_scanner.hpp"

using lxdrunner::webhook::JsonKind;
using lxdrunner::webhook::JsonNumber;
using lxdrunner::webhook::JsonScanner;
using lxdrunner::webhook::validateJson;

TEST_CASE("valid JSON texts are accepted", "[json]") {
  const std::string valid[] = {
      "{}",
      "[]",
      " { } ",
      "\t[\r\n]\n",
      "0",
      "-0",
      "1",
      "-1",
      "0.5",
      "-0.5",
      "1e5",
      "1E5",
      "1e+5",
      "1e-5",
      "1.5E-005",
      "123456789012345678901234567890",
      "1e400",
      "true",
      "false",
      "null",
      "\"\"",
      "\"a\"",
      R"("\"\\\/\b\f\n\r\t")",
      R"("\u0000")",
      R"("\uFFFF")",
      R"("\uD83D\uDE00")",
      "\"\xE2\x82\xAC\"",
      R"({"a":[1,{"b":null}],"c":"d"})",
      R"({"":0})",
      R"([[[[[]]]]])",
      R"({"a":1,"a":2})",  // duplicates are not a syntax matter
      std::string("[\"a\\u0000b\"]"),
  };
  for (const auto& text : valid) {
    INFO(text);
    const auto error = validateJson(text);
    if (error) FAIL_CHECK(error->describe());
  }
}

TEST_CASE("invalid JSON texts are refused", "[json]") {
  const std::string invalid[] = {
      "",
      " ",
      "{",
      "}",
      "[",
      "]",
      "[1,]",
      "[,1]",
      "[1 2]",
      "{\"a\":1,}",
      "{,}",
      "{\"a\" 1}",
      "{\"a\":}",
      "{1:2}",
      "{a:1}",
      "{'a':1}",
      "['a']",
      "01",
      "-",
      "-01",
      "+1",
      ".1",
      "1.",
      "1.e5",
      "1e",
      "1e+",
      "0x10",
      "Infinity",
      "-Infinity",
      "NaN",
      "tru",
      "True",
      "nul",
      "falsey",
      "\"abc",
      "\"\\\"",
      "\"\\a\"",
      "\"\\u12\"",
      "\"\\u123g\"",
      "\"\t\"",
      std::string("\"\0\"", 3),
      "\"\x7F\x80\"",
      "1 2",
      "{} {}",
      "[] x",
      "\xEF\xBB\xBF{}",
      "\f{}",
      "\v[]",
      std::string("{}\0", 3),
      "/*c*/{}",
      "{}//",
  };
  for (const auto& text : invalid) {
    INFO("'" << text << "'");
    const auto error = validateJson(text);
    REQUIRE(error.has_value());
    CHECK(error->position <= text.size());
  }
}

TEST_CASE("nextMember decodes escaped keys and skips nothing", "[json]") {
  JsonScanner json(R"({"plain":1,"\u006b\u0065y":"v","":[true]})");
  REQUIRE(json.enterObject());
  std::string_view key;
  REQUIRE(json.nextMember(key));
  CHECK(key == "plain");
  JsonNumber number;
  REQUIRE(json.readNumber(number));
  CHECK(number.value == 1u);
  REQUIRE(json.nextMember(key));
  CHECK(key == "key");
  std::string value;
  REQUIRE(json.readString(value));
  CHECK(value == "v");
  REQUIRE(json.nextMember(key));
  CHECK(key.empty());
  CHECK(json.peek() == JsonKind::kArray);
  REQUIRE(json.skipValue());
  CHECK_FALSE(json.nextMember(key));
  CHECK_FALSE(json.failed());
  CHECK(json.finish());
}

TEST_CASE("readNumber reports what keeps a number from being an id", "[json]") {
  auto read = [](const std::string& text) {
    JsonScanner json(text);
    JsonNumber number;
    REQUIRE(json.readNumber(number));
    REQUIRE(json.finish());
    return number;
  };
  CHECK(read("18446744073709551615").isUnsignedInteger());
  CHECK(read("18446744073709551615").value == UINT64_MAX);
  CHECK(read("18446744073709551616").overflow);
  CHECK(read("-5").negative);
  CHECK(read("-5").value == 5u);
  CHECK(read("5.0").fraction);
  CHECK(read("5e0").exponent);
}

TEST_CASE("errors are sticky and name the byte", "[json]") {
  JsonScanner json("[1, x, 3]");
  CHECK_FALSE(json.skipValue());
  CHECK(json.failed());
  CHECK(std::string(json.errorMessage()) == "unexpected byte");
  CHECK(json.errorPosition() == 4u);
  CHECK(json.peek() == JsonKind::kNone);
  CHECK_FALSE(json.finish());
  CHECK(json.errorPosition() == 4u);
}
