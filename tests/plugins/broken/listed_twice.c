/* SPDX-License-Identifier: Apache-2.0 */
/* Its plugin list names one descriptor twice. */
#include "broken_parts.h"

static const lxdr_provisioner_ops ops = {sizeof(lxdr_provisioner_ops), broken_provision, 0, 0, 0};
static const lxdr_plugin_descriptor descriptor = BROKEN_DESCRIPTOR("listed-twice", &ops);
static const lxdr_plugin_descriptor* const descriptors[] = {&descriptor, &descriptor};
static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 2, descriptors};

BROKEN_ENTRY(&list)
