/* SPDX-License-Identifier: Apache-2.0 */
/* The ABI header alone, for compile checks of the header itself (see CMakeLists.txt). */
#include "lxdrunner/plugin_abi.h"

int lxdr_abi_header_compiles(void) {
  return LXDR_ABI_MAJOR;
}
