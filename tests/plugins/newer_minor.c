/* SPDX-License-Identifier: Apache-2.0 */
/* A plugin built needing a newer ABI minor than the host has: refused. Written in plain C to
 * prove the ABI header is C. */
#include "lxdrunner/plugin_abi.h"

static lxdr_status create(const lxdr_host_api* host, void* host_ctx, lxdr_str config,
                          lxdr_plugin_instance** out, const lxdr_sink* error) {
  (void)host;
  (void)host_ctx;
  (void)config;
  (void)error;
  *out = 0;
  return LXDR_ERR_INTERNAL;
}
static void destroy(lxdr_plugin_instance* self) {
  (void)self;
}
static const char* last_error(lxdr_plugin_instance* self) {
  (void)self;
  return "";
}
static lxdr_status provision(lxdr_plugin_instance* self, const lxdr_provision_request* r,
                             const lxdr_sink* log) {
  (void)self;
  (void)r;
  (void)log;
  return LXDR_OK;
}

static const lxdr_provisioner_ops ops = {sizeof(lxdr_provisioner_ops), provision, 0, 0, 0};
static const lxdr_plugin_descriptor descriptor = {sizeof(lxdr_plugin_descriptor),
                                                  LXDR_ABI_MAJOR,
                                                  LXDR_ABI_MINOR + 1,
                                                  LXDR_KIND_PROVISIONER,
                                                  0,
                                                  "future-minor",
                                                  "1.1.0",
                                                  "built for a newer ABI minor",
                                                  0,
                                                  create,
                                                  destroy,
                                                  last_error,
                                                  &ops};
static const lxdr_plugin_descriptor* const descriptors[] = {&descriptor};
static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, descriptors};

LXDR_EXPORT const lxdr_plugin_list* lxdrunner_plugin_entry(uint16_t major, uint16_t minor) {
  (void)major;
  (void)minor;
  return &list;
}
