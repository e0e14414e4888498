/* SPDX-License-Identifier: Apache-2.0 */
/* Its provisioner operations table says it is 12 bytes: struct_size and half of the first
 * function pointer. */
#include "broken_parts.h"

static const lxdr_provisioner_ops ops = {12, broken_provision, 0, 0, 0};
static const lxdr_plugin_descriptor descriptor = BROKEN_DESCRIPTOR("short-ops", &ops);
static const lxdr_plugin_descriptor* const descriptors[] = {&descriptor};
static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, descriptors};

BROKEN_ENTRY(&list)
