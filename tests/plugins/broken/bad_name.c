/* SPDX-License-Identifier: Apache-2.0 */
/* Its name has capitals, a space and a control character: not [a-z0-9_-]. */
#include "broken_parts.h"

static const lxdr_provisioner_ops ops = {sizeof(lxdr_provisioner_ops), broken_provision, 0, 0, 0};
static const lxdr_plugin_descriptor descriptor = BROKEN_DESCRIPTOR("My Plugin\t", &ops);
static const lxdr_plugin_descriptor* const descriptors[] = {&descriptor};
static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, descriptors};

BROKEN_ENTRY(&list)
