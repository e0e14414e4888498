// SPDX-License-Identifier: Apache-2.0
// Built twice, as test_unique_a and test_unique_b (PLUGIN_NAME differs), with default
// visibility. The descriptor is a writable function-local static of an inline template: GCC
// makes it an STB_GNU_UNIQUE symbol, which the dynamic linker merges across libraries even
// under RTLD_LOCAL. So the second library's entry point hands out the first library's
// descriptor, as every plugin did with an SDK whose statics had external linkage. The loader
// must refuse the second one instead of running the first one's code under its name.
#include "broken_parts.h"

namespace shared {

struct Tag {};

template <class T>
const lxdr_plugin_descriptor* descriptor() {
  static const lxdr_provisioner_ops ops = {sizeof(lxdr_provisioner_ops), broken_provision, 0, 0, 0};
  static lxdr_plugin_descriptor d = BROKEN_DESCRIPTOR(PLUGIN_NAME, &ops);
  return &d;
}

}  // namespace shared

namespace {
const lxdr_plugin_descriptor* const descriptors[] = {shared::descriptor<shared::Tag>()};
const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, descriptors};
}  // namespace

extern "C" {
BROKEN_ENTRY(&list)
}
