/* SPDX-License-Identifier: Apache-2.0 */
/* It declares a kind this host does not know (a future one, say). */
#include "broken_parts.h"

static const lxdr_provisioner_ops ops = {sizeof(lxdr_provisioner_ops), broken_provision, 0, 0, 0};
static const lxdr_plugin_descriptor descriptor = {sizeof(lxdr_plugin_descriptor),
                                                  LXDR_ABI_MAJOR,
                                                  LXDR_ABI_MINOR,
                                                  42,
                                                  0,
                                                  "kind-42",
                                                  "1.0.0",
                                                  "a plugin of an unknown kind",
                                                  0,
                                                  broken_create,
                                                  broken_destroy,
                                                  broken_last_error,
                                                  &ops};
static const lxdr_plugin_descriptor* const descriptors[] = {&descriptor};
static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, descriptors};

BROKEN_ENTRY(&list)
