// SPDX-License-Identifier: Apache-2.0
// Differential check: our extraction agrees with a full DOM parse (Poco::JSON) on every
// fixture and on synthetic bodies that stress ids, escapes and non-ASCII text.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>
#include <string>

#include "lxdrunner/webhook/json_scanner.hpp"
#include "lxdrunner/webhook/ping_parser.hpp"
#include "lxdrunner/webhook/workflow_job_parser.hpp"
#include "padded_delivery.hpp"
#include "test_support.hpp"

using namespace lxdrunner::webhook;
using namespace lxdrunner::webhook::test;
using Poco::JSON::Object;

namespace {

std::string stringOrEmpty(const Object::Ptr& object, const std::string& key) {
  if (object.isNull() || !object->has(key) || object->isNull(key)) return {};
  return object->getValue<std::string>(key);
}

std::uint64_t idOrZero(const Object::Ptr& object, const std::string& key) {
  if (object.isNull() || !object->has(key) || object->isNull(key)) return 0;
  return object->getValue<Poco::UInt64>(key);
}

// The same rules as parseWorkflowJob, written the obvious way with a DOM.
WorkflowJobPayload extractWithPoco(const std::string& body) {
  Poco::JSON::Parser parser;
  const auto root = parser.parse(body).extract<Object::Ptr>();
  const auto job = root->getObject("workflow_job");
  WorkflowJobPayload out;
  out.action = actionFromName(root->getValue<std::string>("action")).value();
  out.job_id = idOrZero(job, "id");
  out.run_id = idOrZero(job, "run_id");
  out.run_attempt = static_cast<std::uint32_t>(idOrZero(job, "run_attempt"));
  const auto labels = job->getArray("labels");
  for (std::size_t i = 0; i < labels->size(); ++i) {
    out.labels.push_back(labels->getElement<std::string>(static_cast<unsigned>(i)));
  }
  out.status = stringOrEmpty(job, "status");
  out.conclusion = stringOrEmpty(job, "conclusion");
  out.runner_id = idOrZero(job, "runner_id");
  out.runner_name = stringOrEmpty(job, "runner_name");
  out.repository = stringOrEmpty(root->getObject("repository"), "full_name");
  out.organization = stringOrEmpty(root->getObject("organization"), "login");
  out.installation_id = idOrZero(root->getObject("installation"), "id");
  return out;
}

void checkSameAsPoco(const std::string& label, const std::string& body) {
  INFO(label);
  const auto ours = parseWorkflowJob(body);
  if (!ours) FAIL(ours.error().describe());
  const WorkflowJobPayload theirs = extractWithPoco(body);
  const WorkflowJobPayload& mine = ours.value();
  CHECK(mine.action == theirs.action);
  CHECK(mine.job_id == theirs.job_id);
  CHECK(mine.run_id == theirs.run_id);
  CHECK(mine.run_attempt == theirs.run_attempt);
  CHECK(mine.labels == theirs.labels);
  CHECK(mine.status == theirs.status);
  CHECK(mine.conclusion == theirs.conclusion);
  CHECK(mine.runner_id == theirs.runner_id);
  CHECK(mine.runner_name == theirs.runner_name);
  CHECK(mine.repository == theirs.repository);
  CHECK(mine.organization == theirs.organization);
  CHECK(mine.installation_id == theirs.installation_id);
}

}  // namespace

TEST_CASE("extraction matches Poco::JSON on every workflow_job fixture", "[poco]") {
  for (const auto& name : workflowJobFixtures()) {
    const std::string body = readFixture(name);
    checkSameAsPoco(name, body);
    checkSameAsPoco(name + " padded", padDelivery(body, kRealDeliverySize));
    checkSameAsPoco(name + " padded compact", padDelivery(minify(body), kRealDeliverySize));
  }
}

TEST_CASE("extraction matches Poco::JSON on synthetic bodies", "[poco]") {
  const std::pair<const char*, std::string> cases[] = {
      {"large ids", minimalJobWith("\"id\":1,\"run_id\":2",
                                   "\"id\":9007199254740993,\"run_id\":9223372036854775807")},
      {"escaped strings", minimalJobWith("\"linux\"", R"("l\u00e9\"\\\/\n\uD83D\uDE00\u20ac")")},
      {"raw UTF-8", minimalJobWith("\"linux\"", "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"")},
      {"all set", minimalJobWith("\"conclusion\":null,\"runner_id\":null,\"runner_name\":null",
                                 "\"conclusion\":\"failure\",\"runner_id\":42,"
                                 "\"runner_name\":\"lxd-1\"") +
                      ""},
      {"organization and installation",
       minimalJobWith("}}",
                      "},\"organization\":{\"login\":\"octo\"},\"installation\":{\"id\":7}}")},
      {"reordered", R"({"installation":{"id":3},"repository":{"full_name":"a/b"},)"
                    R"("workflow_job":{"labels":[],"run_id":5,"id":4},"action":"waiting"})"},
  };
  for (const auto& [label, body] : cases) checkSameAsPoco(label, body);
}

TEST_CASE("ping extraction matches Poco::JSON", "[poco]") {
  const std::string body = readFixture(kPingFixture);
  const auto ours = parsePing(body);
  REQUIRE(ours.ok());
  Poco::JSON::Parser parser;
  const auto root = parser.parse(body).extract<Object::Ptr>();
  CHECK(ours.value().zen == root->getValue<std::string>("zen"));
  CHECK(ours.value().hook_id == root->getValue<Poco::UInt64>("hook_id"));
}

TEST_CASE("what Poco accepts in the fixtures we accept, and the other way round", "[poco]") {
  // Both sides must agree that every fixture (including the ping) is valid JSON.
  for (const auto& name : {std::string(kPingFixture), workflowJobFixtures()[0],
                           workflowJobFixtures()[1], workflowJobFixtures()[2]}) {
    const std::string body = readFixture(name);
    INFO(name);
    CHECK_FALSE(validateJson(body).has_value());
    Poco::JSON::Parser parser;
    CHECK_NOTHROW(parser.parse(body));
  }
}
