/* SPDX-License-Identifier: Apache-2.0 */
/* Its create() returns OK but hands out no instance. */
#include "broken_parts.h"

static lxdr_status create(const lxdr_host_api* host, void* host_ctx, lxdr_str config,
                          lxdr_plugin_instance** out, const lxdr_sink* error) {
  (void)host;
  (void)host_ctx;
  (void)config;
  (void)error;
  *out = 0;
  return LXDR_OK;
}

static const lxdr_provisioner_ops ops = {sizeof(lxdr_provisioner_ops), broken_provision, 0, 0, 0};
static const lxdr_plugin_descriptor descriptor = {sizeof(lxdr_plugin_descriptor),
                                                  LXDR_ABI_MAJOR,
                                                  LXDR_ABI_MINOR,
                                                  LXDR_KIND_PROVISIONER,
                                                  0,
                                                  "no-handle",
                                                  "1.0.0",
                                                  "create() returns OK without an instance",
                                                  0,
                                                  create,
                                                  broken_destroy,
                                                  broken_last_error,
                                                  &ops};
static const lxdr_plugin_descriptor* const descriptors[] = {&descriptor};
static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, descriptors};

BROKEN_ENTRY(&list)
