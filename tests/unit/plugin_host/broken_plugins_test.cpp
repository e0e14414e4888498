// SPDX-License-Identifier: Apache-2.0
// Each way a plugin library can be broken (tests/plugins/broken/) is refused with one line
// naming the file and what is wrong, and nothing of it is read or called past that point.
#include <catch2/catch.hpp>

#include <string>

#include "plugin_host/plugin_host.hpp"
#include "plugin_host/plugin_library.hpp"
#include "test_plugins.hpp"

using lxdrunner::plugin_host::LibraryLoad;
using lxdrunner::plugin_host::loadLibrary;
using lxdrunner::test::brokenPlugin;

namespace {

// The one refusal of `name`, checked to be one line starting with the file.
std::string refusal(const std::string& name) {
  const std::string file = brokenPlugin(name);
  LibraryLoad load = loadLibrary(file);
  CHECK(load.plugins.empty());
  REQUIRE(load.errors.size() == 1);
  const std::string& line = load.errors[0];
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.rfind("plugin " + file + ": ", 0) == 0);
  return line.substr(("plugin " + file + ": ").size());
}

}  // namespace

TEST_CASE("an entry point that returns NULL refuses this host", "[loader][broken]") {
  CHECK(refusal("test_entry_null") ==
        "its entry point returned no plugin list: it refuses to load into plugin ABI 1.1");
}

TEST_CASE("an entry point that throws is caught", "[loader][broken]") {
  CHECK(refusal("test_entry_throws") == "its entry point threw an exception: the plugin is broken");
}

TEST_CASE("a plugin list without descriptors is malformed", "[loader][broken]") {
  CHECK(refusal("test_malformed_list") ==
        "its plugin list is malformed: count 1 but descriptors is NULL");
}

TEST_CASE("a descriptor shorter than ABI 1 requires is not read past its size",
          "[loader][broken]") {
  const std::string why = refusal("test_short_descriptor");
  CHECK(why == "a descriptor of 16 bytes, less than the " +
                   std::to_string(offsetof(lxdr_plugin_descriptor, ops) + sizeof(void*)) +
                   " ABI 1 requires: the plugin is broken");
  // The name lies beyond the 16 bytes: showing it would mean reading there.
  CHECK(why.find("beyond-struct-size") == std::string::npos);
}

TEST_CASE("an operations table shorter than its operations is refused", "[loader][broken]") {
  CHECK(refusal("test_short_ops") ==
        "'short-ops' has a provisioner operations table of 12 bytes, less than the " +
            std::to_string(offsetof(lxdr_provisioner_ops, provision) + sizeof(void*)) +
            " of ABI 1.0: the plugin is broken");
}

TEST_CASE("a bad plugin name is refused naming it", "[loader][broken]") {
  CHECK(refusal("test_bad_name") ==
        "plugin name 'My Plugin\\x09' is not 1-64 characters of [a-z0-9_-]: the plugin is broken");
}

TEST_CASE("an unknown kind is refused", "[loader][broken]") {
  CHECK(refusal("test_unknown_kind") ==
        "'kind-42' declares unknown kind 42: it may need a newer lxdrunner");
}

TEST_CASE("create() that returns OK without an instance fails clearly", "[loader][broken]") {
  lxdrunner::plugin_host::PluginHost host;
  host.registry().loadFile(brokenPlugin("test_create_no_handle"));
  REQUIRE(host.registry().errors().empty());
  std::string error;
  auto* instance = host.instantiate("no-handle", LXDR_KIND_PROVISIONER, "{}", error);
  CHECK(instance == nullptr);
  CHECK(error == "plugin 'no-handle' (" + brokenPlugin("test_create_no_handle") +
                     "): create() returned OK but no instance: the plugin is broken");
}

TEST_CASE("a descriptor listed twice is taken once", "[loader][broken]") {
  const std::string file = brokenPlugin("test_listed_twice");
  LibraryLoad load = loadLibrary(file);
  REQUIRE(load.plugins.size() == 1);
  CHECK(load.plugins[0].name == "listed-twice");
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0] == "plugin " + file +
                              ": 'listed-twice' appears twice in its plugin list: the plugin is "
                              "broken");
}

TEST_CASE("two libraries handing out one descriptor: the second is refused", "[loader][broken]") {
  LibraryLoad first = loadLibrary(brokenPlugin("test_unique_descriptor_a"));
  CHECK(first.errors.empty());
  REQUIRE(first.plugins.size() == 1);
  CHECK(first.plugins[0].name == "unique-descriptor-a");
#if defined(LXDRUNNER_TEST_GNU_UNIQUE)
  // Its entry point returns the first library's (merged) descriptor, named after the first.
  CHECK(refusal("test_unique_descriptor_b") ==
        "'unique-descriptor-a' hands out the very descriptor " +
            brokenPlugin("test_unique_descriptor_a") +
            " already did: both libraries share the plugin's statics (built without hidden "
            "visibility?); rebuild both with lxdrunner_add_plugin() and this SDK");
#else
  // This compiler does not merge statics across libraries: each has its own descriptor.
  LibraryLoad second = loadLibrary(brokenPlugin("test_unique_descriptor_b"));
  CHECK(second.errors.empty());
  REQUIRE(second.plugins.size() == 1);
  CHECK(second.plugins[0].name == "unique-descriptor-b");
#endif
  // Loading the first one again is the same library, not a clash.
  CHECK(loadLibrary(brokenPlugin("test_unique_descriptor_a")).errors.empty());
}

TEST_CASE("two SDK plugins whose classes share a name each report their own descriptor",
          "[loader][broken][sdk]") {
  // Both define example::Prov and are built without hidden visibility.
  LibraryLoad a = loadLibrary(brokenPlugin("test_same_class_a"));
  LibraryLoad b = loadLibrary(brokenPlugin("test_same_class_b"));
  CHECK(a.errors.empty());
  CHECK(b.errors.empty());
  REQUIRE(a.plugins.size() == 1);
  REQUIRE(b.plugins.size() == 1);
  CHECK(a.plugins[0].name == "same-class-a");
  CHECK(b.plugins[0].name == "same-class-b");

  lxdrunner::plugin_host::PluginHost host;
  host.registry().loadFile(brokenPlugin("test_same_class_a"));
  host.registry().loadFile(brokenPlugin("test_same_class_b"));
  std::string error;
  for (const char* name : {"same-class-a", "same-class-b"}) {
    auto* instance = host.instantiate(name, LXDR_KIND_PROVISIONER, "{}", error);
    REQUIRE(instance != nullptr);
    lxdr_provision_request request{};
    request.struct_size = sizeof request;
    std::string log;
    CHECK(instance->provision(request, log).ok());
    CHECK(log == std::string("provisioned by ") + name);
  }
}

TEST_CASE("a status no ABI version has reads as internal", "[loader][broken]") {
  lxdrunner::plugin_host::PluginHost host;
  host.registry().loadFile(brokenPlugin("test_unknown_status"));
  REQUIRE(host.registry().errors().empty());
  std::string error;
  auto* instance = host.instantiate("status-99", LXDR_KIND_PROVISIONER, "{}", error);
  REQUIRE(instance != nullptr);
  lxdr_provision_request request{};
  request.struct_size = sizeof request;
  std::string log;
  const auto result = instance->provision(request, log);
  // INTERNAL is what the dispatcher retries on a fresh instance, as for any plugin bug.
  CHECK(result.status == LXDR_ERR_INTERNAL);
  CHECK(result.error ==
        "plugin 'status-99': provision: the plugin's own words (unknown status 99, treated as "
        "internal)");
}
