// SPDX-License-Identifier: Apache-2.0
// Its entry point throws, which a C function must never do: nothing may escape into the host.
#include <stdexcept>

#include "lxdrunner/plugin_abi.h"

extern "C" LXDR_EXPORT const lxdr_plugin_list* lxdrunner_plugin_entry(uint16_t, uint16_t);
extern "C" LXDR_EXPORT const lxdr_plugin_list* lxdrunner_plugin_entry(uint16_t, uint16_t) {
  throw std::runtime_error("entry point gave up");
}
