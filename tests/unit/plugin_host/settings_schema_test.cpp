// SPDX-License-Identifier: Apache-2.0
// Plugin settings against the JSON Schema subset plugins publish (plugin-check's settings
// check): every keyword our plugins use, each problem one line naming the key.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "plugin_host/settings_schema.hpp"

using lxdrunner::plugin_host::validateSettings;

namespace {

// The poll source's schema, as it publishes it.
const char* kPoll = R"({
  "type": "object",
  "properties": {
    "repositories": {"oneOf": [
      {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[^/]+/[^/]+$"}},
      {"const": "auto"}], "default": "auto"},
    "interval": {"type": "integer", "minimum": 5, "default": 60},
    "rate_limit_share": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "redeliver_failed": {"type": "boolean"},
    "hook": {"type": "string"}
  }
})";

const char* kClosed = R"({"type":"object","required":["message"],
  "properties":{"message":{"type":"string","minLength":1},
                "mode":{"enum":["fast","safe"]}},
  "additionalProperties":false})";

}  // namespace

TEST_CASE("valid settings give no problem", "[schema]") {
  CHECK(validateSettings(kPoll, "{}").empty());
  CHECK(validateSettings(kPoll, R"({"repositories":"auto","interval":5})").empty());
  CHECK(validateSettings(kPoll, R"({"repositories":["a/b","c/d"],"rate_limit_share":1})").empty());
  CHECK(validateSettings(kPoll, R"({"interval":60.0})").empty());     // integral number
  CHECK(validateSettings(kPoll, R"({"something_else":1})").empty());  // schema is open
  CHECK(validateSettings(kClosed, R"({"message":"hi","mode":"safe"})").empty());
}

TEST_CASE("each keyword's violation is one line naming the key", "[schema]") {
  using V = std::vector<std::string>;
  CHECK(validateSettings(kPoll, R"({"interval":"60"})") ==
        V{"settings.interval: must be integer, not string \"60\""});
  CHECK(validateSettings(kPoll, R"({"interval":2})") == V{"settings.interval: must be at least 5"});
  CHECK(validateSettings(kPoll, R"({"interval":7.5})") ==
        V{"settings.interval: must be integer, not number 7.5"});
  CHECK(validateSettings(kPoll, R"({"rate_limit_share":0})") ==
        V{"settings.rate_limit_share: must be more than 0"});
  CHECK(validateSettings(kPoll, R"({"redeliver_failed":"yes"})") ==
        V{"settings.redeliver_failed: must be boolean, not string \"yes\""});
  CHECK(validateSettings(kPoll, R"({"repositories":"all"})") ==
        V{"settings.repositories: \"all\" fits none of the 2 allowed forms (the first: "
          "settings.repositories: must be array, not string \"all\")"});
  CHECK(validateSettings(kPoll, R"({"repositories":["nodash"]})") ==
        V{"settings.repositories: [\"nodash\"] fits none of the 2 allowed forms (the first: "
          "settings.repositories[0]: \"nodash\" does not match ^[^/]+/[^/]+$)"});
  CHECK(validateSettings(kClosed, R"({"message":"hi","mesage":"x"})") ==
        V{"settings.mesage: unknown key (known: message, mode)"});
  CHECK(validateSettings(kClosed, R"({"mode":"slow"})") ==
        V{"settings: needs the key message",
          "settings.mode: must be one of \"fast\", \"safe\", not \"slow\""});
  CHECK(validateSettings(kClosed, R"({"message":""})") ==
        V{"settings.message: must be at least 1 characters"});
}

TEST_CASE("a broken schema or settings text is one problem saying so", "[schema]") {
  auto p = validateSettings("{not json", "{}");
  REQUIRE(p.size() == 1);
  CHECK(p[0].rfind("config_schema: not valid JSON", 0) == 0);
  CHECK(validateSettings("[1]", "{}") ==
        std::vector<std::string>{"config_schema: not a JSON object"});
  p = validateSettings(kPoll, "{oops");
  REQUIRE(p.size() == 1);
  CHECK(p[0].rfind("settings: not valid JSON", 0) == 0);
}

TEST_CASE("arrays: item types and counts", "[schema]") {
  const char* schema = R"({"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2})";
  CHECK(validateSettings(schema, "[1,2]").empty());
  CHECK(validateSettings(schema, "[]") ==
        std::vector<std::string>{"settings: must have at least 1 item(s)"});
  CHECK(validateSettings(schema, R"([1,"x",3])") ==
        std::vector<std::string>{"settings: must have at most 2 item(s)",
                                 "settings[1]: must be integer, not string \"x\""});
}
