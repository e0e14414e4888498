// SPDX-License-Identifier: Apache-2.0
// The built provisioners.so exports the three plugins under the names the configuration
// uses, as provisioners of the current ABI.
#include <dlfcn.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "lxdrunner/plugin_abi.h"

TEST_CASE("provisioners.so exports bash, image and disk-mount") {
  void* library = ::dlopen(LXDRUNNER_PROVISIONERS_SO, RTLD_NOW | RTLD_LOCAL);
  REQUIRE(library != nullptr);
  auto entry = reinterpret_cast<lxdr_plugin_entry_fn>(::dlsym(library, "lxdrunner_plugin_entry"));
  REQUIRE(entry != nullptr);
  const lxdr_plugin_list* list = entry(LXDR_ABI_MAJOR, LXDR_ABI_MINOR);
  REQUIRE(list != nullptr);
  std::set<std::string> names;
  for (uint32_t i = 0; i < list->count; ++i) {
    const lxdr_plugin_descriptor* d = list->descriptors[i];
    CHECK(d->kind == LXDR_KIND_PROVISIONER);
    CHECK(d->abi_major == LXDR_ABI_MAJOR);
    names.insert(d->name);
  }
  CHECK(names == std::set<std::string>{"bash", "image", "disk-mount"});
}
