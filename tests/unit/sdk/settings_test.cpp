// SPDX-License-Identifier: Apache-2.0
// Typed settings: a plugin reads its configuration and its runnermap entry without parsing
// JSON itself, and a setting of the wrong type fails with a message naming it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "lxdrunner/sdk.hpp"
#include "lxdrunner/sdk/fake_host.hpp"

using lxdrunner::sdk::Error;
using lxdrunner::sdk::Settings;

namespace {

const char* const kJson = R"({
  "message": "hi", "n": 3, "flag": true, "nothing": null,
  "mirrors": ["a", "b", 7],
  "timeouts": {"start": 30, "nested": {"deep": "yes"}},
  "max": 9223372036854775807, "min": -9223372036854775808, "too_big": 9223372036854775808,
  "fraction": 1.5, "text": "caf\u00e9 \ud83d\ude00 \"q\"\n"
})";

// The message of what `fn` throws, checked to be INVALID_ARGUMENT.
template <class Fn>
std::string refusal(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    CHECK(e.status() == LXDR_ERR_INVALID_ARGUMENT);
    return e.what();
  }
  FAIL("nothing was thrown");
  return {};
}

}  // namespace

TEST_CASE("settings read by dotted path, typed", "[sdk][settings]") {
  const Settings s = Settings::parse(kJson, "settings");
  CHECK(s.string("message") == "hi");
  CHECK(s.string("n") == "3");  // a scalar reads as text
  CHECK(s.string("flag") == "true");
  CHECK(s.integer("n") == 3);
  CHECK(s.boolean("flag") == true);
  CHECK(s.integer("timeouts.start") == 30);
  CHECK(s.string("timeouts.nested.deep") == "yes");
  CHECK(s.string("mirrors[1]") == "b");
  CHECK(s.strings("mirrors") == std::vector<std::string>{"a", "b", "7"});
  CHECK(s.integer("max") == std::numeric_limits<int64_t>::max());
  CHECK(s.integer("min") == std::numeric_limits<int64_t>::min());
  CHECK(s.string("text") == "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\"\n");

  const Settings timeouts = s.section("timeouts");
  CHECK(timeouts.integer("start") == 30);
  CHECK(timeouts.section("nested").string("deep") == "yes");
}

TEST_CASE("absent settings give the fallback", "[sdk][settings]") {
  const Settings s = Settings::parse(kJson, "settings");
  CHECK_FALSE(s.has("missing"));
  CHECK_FALSE(s.has("nothing"));  // null is absent
  CHECK_FALSE(s.has("mirrors[9]"));
  CHECK_FALSE(s.string("missing.deeper").has_value());
  CHECK(s.string("missing", "default") == "default");
  CHECK(s.integer("missing", 42) == 42);
  CHECK(s.boolean("nothing", true) == true);
  CHECK(s.strings("missing").empty());
  CHECK_FALSE(s.section("missing").has("anything"));
  CHECK_FALSE(Settings().has("anything"));
  CHECK_FALSE(Settings::parse("", "settings").has("anything"));
}

TEST_CASE("a setting of the wrong type is refused naming it", "[sdk][settings]") {
  const Settings s = Settings::parse(kJson, "settings");
  CHECK(refusal([&] { s.integer("fraction"); }) == "settings: fraction must be a whole number");
  CHECK(refusal([&] { s.integer("too_big"); }) ==
        "settings: too_big must be a whole number in range");
  CHECK(refusal([&] { s.integer("message"); }) == "settings: message must be a whole number");
  CHECK(refusal([&] { s.boolean("n"); }) == "settings: n must be true or false");
  CHECK(refusal([&] { s.string("timeouts"); }) == "settings: timeouts must be a string");
  CHECK(refusal([&] { s.strings("message"); }) == "settings: message must be a list");
  CHECK(refusal([&] { s.section("message"); }) == "settings: message must be a map");
  CHECK(refusal([&] { s.section("timeouts").boolean("start"); }) ==
        "settings: timeouts.start must be true or false");
}

TEST_CASE("text that is not a JSON object is refused with where it came from", "[sdk][settings]") {
  CHECK(refusal([] { Settings::parse(R"({"a":)", "runnermap entry"); }) ==
        "runnermap entry is not valid JSON: unexpected end at byte 5");
  CHECK(refusal([] { Settings::parse(R"({"a":1} x)", "settings"); }) ==
        "settings is not valid JSON: unexpected text after the JSON value at byte 8");
  CHECK(refusal([] { Settings::parse(R"(["a"])", "settings"); }) ==
        "settings is not a JSON object");
  CHECK(refusal([] { Settings::parse(std::string(100, '['), "settings"); }) ==
        "settings is not valid JSON: nested too deeply at byte 65");
}

TEST_CASE("a request's entry and its provisioner_options, typed", "[sdk][settings]") {
  lxdrunner::sdk::ProvisionRequest request;
  request.entry_json = R"({"name":"gpu","labels":["self-hosted","gpu"],)"
                       R"("provisioner_options":{"driver":"535","check":true}})";
  const Settings entry = request.entry();
  CHECK(entry.string("name") == "gpu");
  CHECK(entry.strings("labels") == std::vector<std::string>{"self-hosted", "gpu"});
  const Settings options = entry.section("provisioner_options");
  CHECK(options.string("driver") == "535");
  CHECK(options.boolean("check") == true);
  CHECK(refusal([&] { options.integer("check"); }) ==
        "runnermap entry: provisioner_options.check must be a whole number");
}

namespace {

class SizedProvisioner : public lxdrunner::sdk::Provisioner {
 public:
  static constexpr const char* kName = "sized";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "reads a typed setting in its constructor";
  SizedProvisioner(lxdrunner::sdk::Host host, std::string config_json)
      : Provisioner(std::move(host), std::move(config_json)),
        size_(configuration().integer("size", 10)) {}
  void provision(const lxdrunner::sdk::ProvisionRequest&, std::string& log) override {
    log += "size " + std::to_string(size_);
  }

 private:
  int64_t size_;
};

}  // namespace

TEST_CASE("a plugin's own settings, typed, and a bad one failing create()", "[sdk][settings]") {
  lxdrunner::sdk::FakeHost host;
  auto plugin = host.create<SizedProvisioner>(R"({"size":64})");
  lxdr_provision_request request{};
  request.struct_size = sizeof request;
  std::string log;
  lxdr_sink sink = lxdrunner::sdk::stringSink(log);
  CHECK(plugin.ops<lxdr_provisioner_ops>().provision(plugin.handle(), &request, &sink) == LXDR_OK);
  CHECK(log == "size 64");

  CHECK(refusal([&] { host.create<SizedProvisioner>(R"({"size":"big"})"); }) ==
        "settings: size must be a whole number");
}
