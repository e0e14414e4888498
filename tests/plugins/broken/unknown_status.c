/* SPDX-License-Identifier: Apache-2.0 */
/* Its provision() returns a status no ABI version has (a newer plugin's, or garbage): the
 * host must read it as LXDR_ERR_INTERNAL, as the header says. */
#include "broken_parts.h"

static lxdr_status provision(lxdr_plugin_instance* self, const lxdr_provision_request* request,
                             const lxdr_sink* log) {
  (void)self;
  (void)request;
  (void)log;
  return (lxdr_status)99;
}
static const char* last_error(lxdr_plugin_instance* self) {
  (void)self;
  return "the plugin's own words";
}

static const lxdr_provisioner_ops ops = {sizeof(lxdr_provisioner_ops), provision, 0, 0, 0};
static const lxdr_plugin_descriptor descriptor = {sizeof(lxdr_plugin_descriptor),
                                                  LXDR_ABI_MAJOR,
                                                  LXDR_ABI_MINOR,
                                                  LXDR_KIND_PROVISIONER,
                                                  0,
                                                  "status-99",
                                                  "1.0.0",
                                                  "returns an unknown status",
                                                  0,
                                                  broken_create,
                                                  broken_destroy,
                                                  last_error,
                                                  &ops};
static const lxdr_plugin_descriptor* const descriptors[] = {&descriptor};
static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, descriptors};

BROKEN_ENTRY(&list)
