/* SPDX-License-Identifier: Apache-2.0 */
/* A shared library that is not a plugin: it exports no entry symbol. */
#include "lxdrunner/plugin_abi.h"

LXDR_EXPORT int not_a_plugin(void) {
  return 42;
}
