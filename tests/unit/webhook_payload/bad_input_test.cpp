// SPDX-License-Identifier: Apache-2.0
// Bodies a client (or an attacker who got past the signature) might send: each must be
// refused with a clear error, and none may crash or read out of bounds (ASan preset).
#include <catch2/catch.hpp>
#include <string>

#include "lxdrunner/webhook/workflow_job_parser.hpp"
#include "test_support.hpp"

using namespace lxdrunner::webhook;
using namespace lxdrunner::webhook::test;

namespace {

ParseError errorOf(const std::string& body) {
  const auto result = parseWorkflowJob(body);
  INFO("body: " << body);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

void checkSyntaxError(const std::string& body, const std::string& message) {
  const ParseError error = errorOf(body);
  INFO("body: " << body << "\nerror: " << error.describe());
  CHECK(error.kind == ParseErrorKind::kSyntax);
  CHECK(error.message == message);
  CHECK(error.position <= body.size());
}

// A string value we do not extract, so only the scanner's checks apply to it.
std::string withSkippedString(const std::string& raw_content) {
  return minimalJobWith("\"status\"", "\"name\":\"" + raw_content + "\",\"status\"");
}

}  // namespace

TEST_CASE("a fixture truncated at any byte is refused", "[bad-input]") {
  for (const auto& name : workflowJobFixtures()) {
    const std::string body = readFixture(name);
    const std::size_t complete = body.rfind('}') + 1;  // only trailing whitespace after it
    for (std::size_t length = 0; length < complete; ++length) {
      const auto result = parseWorkflowJob(std::string_view(body).substr(0, length));
      if (result.ok() || result.error().kind != ParseErrorKind::kSyntax ||
          result.error().position > length) {
        FAIL(name << " truncated to " << length << " bytes was not a syntax error");
      }
    }
    CHECK(parseWorkflowJob(std::string_view(body).substr(0, complete)).ok());
  }
}

TEST_CASE("truncation reports the end of input", "[bad-input]") {
  const std::string body = readFixture("workflow_job.queued.payload.json");
  const ParseError error = errorOf(body.substr(0, 1000));
  CHECK(error.describe() == "byte 1000: unexpected end of input");
}

TEST_CASE("invalid UTF-8 is refused wherever it is", "[bad-input]") {
  const char* const sequences[] = {
      "\x80",              // continuation byte without a lead
      "\xBF",              // continuation byte without a lead
      "\xC0\xAF",          // overlong '/'
      "\xC1\xBF",          // overlong
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xF0\x80\x80\xAF",  // overlong 4-byte
      "\xED\xA0\x80",      // UTF-16 surrogate U+D800 encoded as UTF-8
      "\xED\xBF\xBF",      // surrogate U+DFFF
      "\xF4\x90\x80\x80",  // U+110000, above the Unicode range
      "\xF5\x80\x80\x80",  // lead byte that can never appear
      "\xFE",              // never valid
      "\xFF",              // never valid
      "\xC3",              // truncated 2-byte sequence (ends at the quote)
      "\xE2\x82",          // truncated 3-byte sequence
      "\xF0\x9F\x98",      // truncated 4-byte sequence
      "\xC3\x28",          // lead followed by ASCII
      "\xE2\x28\xA1",      // bad second byte
  };
  for (const char* bad : sequences) {
    const std::string in_skipped_value = withSkippedString(std::string("ab") + bad + "cd");
    const std::string in_label = minimalJobWith("\"linux\"", std::string("\"lin") + bad + "ux\"");
    const std::string in_key =
        minimalJobWith("\"status\"", std::string("\"st") + bad + "\":1,\"status\"");
    for (const auto& body : {in_skipped_value, in_label, in_key}) {
      const ParseError error = errorOf(body);
      CHECK(error.kind == ParseErrorKind::kSyntax);
      CHECK(error.message == "invalid UTF-8");
      CHECK(static_cast<unsigned char>(body[error.position]) >= 0x80);
    }
  }
}

TEST_CASE("valid UTF-8 of every length is accepted", "[bad-input]") {
  const std::string text =
      "a\xC2\xA9\xE2\x82\xAC\xED\x9F\xBF\xEE\x80\x80\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF";
  const auto result = parseWorkflowJob(minimalJobWith("\"linux\"", "\"" + text + "\""));
  REQUIRE(result.ok());
  CHECK(result.value().labels.at(1) == text);
}

TEST_CASE("non-ASCII bytes outside strings are refused", "[bad-input]") {
  checkSyntaxError("\xEF\xBB\xBF" + std::string(kMinimalJob), "unexpected byte");  // BOM
  checkSyntaxError(minimalJobWith("\"id\":1",
                                  "\"id\":\xC2\xA0"
                                  "1"),
                   "unexpected byte");
}

TEST_CASE("lone surrogate escapes are refused", "[bad-input]") {
  for (const char* escape :
       {R"(\uD800)", R"(\uDBFF)", R"(\uDC00)", R"(\uDFFF)", R"(\uD800\u0041)", R"(\uD800x)",
        R"(\uD800\uD800)", R"(\uDC00\uD800)", R"(\uD83D\n)", R"(\ud800)"}) {
    checkSyntaxError(withSkippedString(std::string("x") + escape + "y"),
                     "lone surrogate in \\u escape");
  }
}

TEST_CASE("escapes decode, including surrogate pairs", "[bad-input]") {
  const auto result = parseWorkflowJob(
      minimalJobWith("\"linux\"", R"("\u0041\u00e9\u20AC\uD83D\uDE00\"\\\/\b\f\n\r\t")"));
  REQUIRE(result.ok());
  CHECK(result.value().labels.at(1) == "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"\\/\b\f\n\r\t");
}

TEST_CASE("malformed escapes and control characters are refused", "[bad-input]") {
  checkSyntaxError(withSkippedString(R"(\x41)"), "invalid escape");
  checkSyntaxError(withSkippedString(R"(\U0041)"), "invalid escape");
  checkSyntaxError(withSkippedString(R"(\')"), "invalid escape");
  checkSyntaxError(withSkippedString(R"(\u00G1)"), "invalid \\u escape");
  checkSyntaxError(withSkippedString(R"(\u12)"), "invalid \\u escape");
  checkSyntaxError(withSkippedString("tab\there"), "control character in string");
  checkSyntaxError(withSkippedString("new\nline"), "control character in string");
  checkSyntaxError(withSkippedString(std::string("nul\0byte", 8)), "control character in string");
}

TEST_CASE("deep nesting is refused, iteratively", "[bad-input]") {
  // The arrays go inside workflow_job (level 2 under the top-level object), so 62 of them
  // reach the limit of 64 levels and one more passes it.
  auto nested = [](std::size_t levels) {
    return minimalJobWith("\"status\"", "\"deep\":" + std::string(levels, '[') +
                                            std::string(levels, ']') + ",\"status\"");
  };
  CHECK(parseWorkflowJob(nested(62)).ok());
  checkSyntaxError(nested(63), "nesting deeper than 64");
  // Far too deep to survive a recursive parser's stack; the scanner does not recurse.
  checkSyntaxError(std::string(1000000, '['), "nesting deeper than 64");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  checkSyntaxError(objects, "nesting deeper than 64");
}

TEST_CASE("labels: null is refused with a clear error", "[bad-input]") {
  const ParseError error = errorOf(minimalJobWith("[\"self-hosted\",\"linux\"]", "null"));
  CHECK(error.kind == ParseErrorKind::kWrongType);
  CHECK(error.message == "workflow_job.labels is null");
}

TEST_CASE("empty labels are accepted; too many are not", "[bad-input]") {
  const auto empty = parseWorkflowJob(minimalJobWith("[\"self-hosted\",\"linux\"]", "[ ]"));
  REQUIRE(empty.ok());
  CHECK(empty.value().labels.empty());

  std::string many = "[";
  for (std::size_t i = 0; i <= kMaxLabels; ++i)
    many += (i ? ",\"l" : "\"l") + std::to_string(i) + "\"";
  const ParseError error = errorOf(minimalJobWith("[\"self-hosted\",\"linux\"]", many + "]"));
  CHECK(error.kind == ParseErrorKind::kOutOfRange);
  CHECK(error.message == "workflow_job.labels: more than 256 items");
}

TEST_CASE("missing required fields are named", "[bad-input]") {
  const std::pair<const char*, const char*> cases[] = {
      {"\"action\":\"queued\",", "missing action"},
      {"\"id\":1,", "missing workflow_job.id"},
      {"\"run_id\":2,", "missing workflow_job.run_id"},
      {"\"labels\":[\"self-hosted\",\"linux\"],", "missing workflow_job.labels"},
      {"\"full_name\":\"o/r\"", "missing repository.full_name"},
      {",\"repository\":{\"full_name\":\"o/r\"}", "missing repository"},
  };
  for (const auto& [removed, message] : cases) {
    const ParseError error = errorOf(minimalJobWith(removed, ""));
    CHECK(error.kind == ParseErrorKind::kMissingField);
    CHECK(error.describe() == message);
  }
  const ParseError no_job = errorOf(R"({"action":"queued","repository":{"full_name":"o/r"}})");
  CHECK(no_job.describe() == "missing workflow_job");
}

TEST_CASE("optional fields may be absent or null", "[bad-input]") {
  const auto result = parseWorkflowJob(
      R"({"action":"waiting","workflow_job":{"id":1,"run_id":2,"labels":["x"]},)"
      R"("repository":{"full_name":"o/r"},"organization":null,"installation":null})");
  REQUIRE(result.ok());
  CHECK(result.value().action == LXDR_JOB_WAITING);
  CHECK(result.value().status.empty());
  CHECK(result.value().organization.empty());
  CHECK(result.value().installation_id == 0u);

  const auto inner_nulls = parseWorkflowJob(
      minimalJobWith("}}", "},\"organization\":{\"login\":null},\"installation\":{\"id\":null}}"));
  REQUIRE(inner_nulls.ok());
  CHECK(inner_nulls.value().organization.empty());
}

TEST_CASE("wrong types are refused with the field's name", "[bad-input]") {
  const std::pair<std::pair<const char*, const char*>, const char*> cases[] = {
      {{"\"id\":1", "\"id\":\"1\""}, "workflow_job.id: expected a non-negative integer"},
      {{"\"id\":1", "\"id\":null"}, "workflow_job.id: expected a non-negative integer"},
      {{"\"id\":1", "\"id\":true"}, "workflow_job.id: expected a non-negative integer"},
      {{"\"run_id\":2", "\"run_id\":[2]"}, "workflow_job.run_id: expected a non-negative integer"},
      {{"\"action\":\"queued\"", "\"action\":1"}, "action: expected a string"},
      {{"\"action\":\"queued\"", "\"action\":null"}, "action: expected a string"},
      {{"[\"self-hosted\",\"linux\"]", "\"self-hosted\""},
       "workflow_job.labels: expected an array of strings"},
      {{"\"linux\"", "7"}, "workflow_job.labels[1]: expected a string"},
      {{"\"linux\"", "null"}, "workflow_job.labels[1]: expected a string"},
      {{"\"status\":\"queued\"", "\"status\":{}"}, "workflow_job.status: expected a string"},
      {{"\"runner_id\":null", "\"runner_id\":\"5\""},
       "workflow_job.runner_id: expected a non-negative integer"},
      {{"\"full_name\":\"o/r\"", "\"full_name\":null"}, "repository.full_name: expected a string"},
      {{"{\"full_name\":\"o/r\"}", "[]"}, "repository: expected an object"},
      {{"{\"full_name\":\"o/r\"}", "null"}, "repository: expected an object"},
  };
  for (const auto& [change, message] : cases) {
    const ParseError error = errorOf(minimalJobWith(change.first, change.second));
    CHECK(error.kind == ParseErrorKind::kWrongType);
    CHECK(error.message == message);
  }
  const ParseError job_array =
      errorOf(R"({"action":"queued","workflow_job":[],"repository":{"full_name":"o/r"}})");
  CHECK(job_array.message == "workflow_job: expected an object");
}

TEST_CASE("the body must be one JSON object", "[bad-input]") {
  checkSyntaxError("", "unexpected end of input");
  checkSyntaxError(" \r\n\t", "unexpected end of input");
  for (const char* top : {"[]", "[{\"action\":\"queued\"}]", "\"queued\"", "1", "null", "true"}) {
    const ParseError error = errorOf(top);
    CHECK(error.kind == ParseErrorKind::kWrongType);
    CHECK(error.describe() == "byte 0: body: expected an object");
  }
  // A top-level array that is not even valid JSON is a syntax error first.
  checkSyntaxError("[1,]", "unexpected byte");
}

TEST_CASE("nothing but whitespace may follow the object", "[bad-input]") {
  const std::string body = kMinimalJob;
  CHECK(parseWorkflowJob(body + " \r\n\t").ok());
  checkSyntaxError(body + "x", "trailing bytes after the JSON value");
  checkSyntaxError(body + "{}", "trailing bytes after the JSON value");
  checkSyntaxError(body + ",", "trailing bytes after the JSON value");
  checkSyntaxError(body + std::string(1, '\0'), "trailing bytes after the JSON value");
  checkSyntaxError(body + "\f", "trailing bytes after the JSON value");  // not JSON whitespace
  checkSyntaxError(body + "}", "trailing bytes after the JSON value");
}

TEST_CASE("structural errors are syntax errors", "[bad-input]") {
  checkSyntaxError(minimalJobWith("\"id\":1,", "\"id\":1,,"), "expected a string key");
  checkSyntaxError(minimalJobWith("\"id\":1", "\"id\" 1"), "expected ':'");
  checkSyntaxError(minimalJobWith("\"id\":1,", "\"id\":1 "), "expected ',' or '}'");
  checkSyntaxError(minimalJobWith("\"o/r\"}", "\"o/r\",}"), "expected a string key");
  checkSyntaxError(minimalJobWith("\"linux\"]", "\"linux\",]"), "unexpected byte");
  checkSyntaxError(minimalJobWith("\"linux\"]", "\"linux\"}"), "expected ',' or ']'");
  checkSyntaxError(minimalJobWith("\"id\":1", "id:1"), "expected a string key");
  checkSyntaxError(minimalJobWith("\"id\":1", "'id':1"), "expected a string key");
  checkSyntaxError(minimalJobWith("\"id\":1", "\"id\":01"), "expected ',' or '}'");
  checkSyntaxError(minimalJobWith("\"id\":1", "\"id\":+1"), "unexpected byte");
  checkSyntaxError(minimalJobWith("\"id\":1", "\"id\":1."), "invalid number");
  checkSyntaxError(minimalJobWith("\"conclusion\":null", "\"conclusion\":nul"), "invalid literal");
  checkSyntaxError(minimalJobWith("\"conclusion\":null", "\"conclusion\":NULL"), "unexpected byte");
}

TEST_CASE("a syntax error wins over an earlier schema error", "[bad-input]") {
  // labels: null comes first, but the body is not JSON at all: the client must hear that.
  const std::string body = minimalJobWith("[\"self-hosted\",\"linux\"]", "null") + "trailing";
  const ParseError error = errorOf(body);
  CHECK(error.kind == ParseErrorKind::kSyntax);
}

TEST_CASE("an extracted key given twice is refused", "[bad-input]") {
  const std::pair<std::pair<const char*, const char*>, const char*> cases[] = {
      {{"\"action\":\"queued\",", "\"action\":\"queued\",\"action\":\"completed\","},
       "duplicate key action"},
      {{"\"id\":1,", "\"id\":1,\"id\":2,"}, "duplicate key workflow_job.id"},
      {{"\"labels\":", "\"labels\":[],\"labels\":"}, "duplicate key workflow_job.labels"},
      {{"\"full_name\":\"o/r\"", "\"full_name\":\"o/r\",\"full_name\":\"x/y\""},
       "duplicate key repository.full_name"},
      // The same key written with an escape is still the same key.
      {{"\"id\":1,", "\"id\":1,\"\\u0069d\":2,"}, "duplicate key workflow_job.id"},
  };
  for (const auto& [change, message] : cases) {
    const ParseError error = errorOf(minimalJobWith(change.first, change.second));
    CHECK(error.kind == ParseErrorKind::kDuplicateKey);
    CHECK(error.message == message);
  }
  // Keys we skip may repeat: we do not look at them.
  CHECK(parseWorkflowJob(minimalJobWith("\"status\"", "\"x\":1,\"x\":2,\"status\"")).ok());
}

TEST_CASE("keys may come in any order and may be escaped", "[bad-input]") {
  const auto result =
      parseWorkflowJob(R"({"repository":{"full_name":"o/r","id":5},"workflow_job":{"labels":["a"],)"
                       R"("run_id":7,"\u0069d":9},"\u0061ction":"completed"})");
  REQUIRE(result.ok());
  CHECK(result.value().action == LXDR_JOB_COMPLETED);
  CHECK(result.value().job_id == 9u);
  CHECK(result.value().run_id == 7u);
}

TEST_CASE("an unknown action is its own kind of error", "[bad-input]") {
  const ParseError error =
      errorOf(minimalJobWith("\"action\":\"queued\"", "\"action\":\"requested\""));
  CHECK(error.kind == ParseErrorKind::kUnknownAction);
  CHECK(error.describe() == "byte 10: unknown action \"requested\"");
  // The status is not a fallback for the action.
  const ParseError by_status = errorOf(minimalJobWith("\"action\":\"queued\"", "\"action\":\"\""));
  CHECK(by_status.kind == ParseErrorKind::kUnknownAction);
  // Whatever is in the action, the message stays printable and short.
  const ParseError odd = errorOf(minimalJobWith(
      "\"action\":\"queued\"", "\"action\":\"\\n\\u0007" + std::string(100, 'a') + "\""));
  CHECK(odd.message == "unknown action \"??" + std::string(38, 'a') + "...\"");
}

TEST_CASE("action, not status, decides", "[bad-input]") {
  const auto result =
      parseWorkflowJob(minimalJobWith("\"status\":\"queued\"", "\"status\":\"waiting\""));
  REQUIRE(result.ok());
  CHECK(result.value().action == LXDR_JOB_QUEUED);
  CHECK(result.value().status == "waiting");
}
