/* SPDX-License-Identifier: Apache-2.0 */
/* A provisioner as a plugin built against ABI 1.0 hands it to the host: abi_minor 0 and an
 * operations table that ends after provision() (1.0 had no prepare/start). It must keep
 * loading and be served cold only. The 1.0 table is spelled out here, as the 1.0 header
 * declared it, because this tree's header is newer. */
#include <stddef.h>

#include "lxdrunner/plugin_abi.h"

typedef struct abi10_provisioner_ops {
  uint32_t struct_size;
  lxdr_status (*provision)(lxdr_plugin_instance* self, const lxdr_provision_request* request,
                           const lxdr_sink* log);
} abi10_provisioner_ops;

static int instance_storage;

static lxdr_status create(const lxdr_host_api* host, void* host_ctx, lxdr_str config,
                          lxdr_plugin_instance** out, const lxdr_sink* error) {
  (void)host;
  (void)host_ctx;
  (void)config;
  (void)error;
  *out = (lxdr_plugin_instance*)&instance_storage;
  return LXDR_OK;
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
  static const char text[] = "provisioned by a 1.0 plugin\n";
  (void)self;
  (void)r;
  log->append(log->ctx, text, sizeof text - 1);
  return LXDR_OK;
}

static const abi10_provisioner_ops ops = {sizeof(abi10_provisioner_ops), provision};
static const lxdr_plugin_descriptor descriptor = {sizeof(lxdr_plugin_descriptor),
                                                  LXDR_ABI_MAJOR,
                                                  0,
                                                  LXDR_KIND_PROVISIONER,
                                                  0,
                                                  "abi10-provisioner",
                                                  "1.0.0",
                                                  "built against ABI 1.0",
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
