/* SPDX-License-Identifier: Apache-2.0 */
/* The parts every broken test plugin has right, so each file shows only the one thing it gets
 * wrong. Plain C, like a plugin written without the SDK. */
#ifndef LXDRUNNER_TEST_BROKEN_PARTS_H
#define LXDRUNNER_TEST_BROKEN_PARTS_H

#include "lxdrunner/plugin_abi.h"

/* Some of these files are C++ (-Wold-style-cast). */
#ifdef __cplusplus
#define BROKEN_CAST(type, value) reinterpret_cast<type>(value)
#else
#define BROKEN_CAST(type, value) ((type)(value))
#endif

static inline lxdr_status broken_create(const lxdr_host_api* host, void* host_ctx, lxdr_str config,
                                        lxdr_plugin_instance** out, const lxdr_sink* error) {
  static char instance;
  (void)host;
  (void)host_ctx;
  (void)config;
  (void)error;
  *out = BROKEN_CAST(lxdr_plugin_instance*, &instance);
  return LXDR_OK;
}
static inline void broken_destroy(lxdr_plugin_instance* self) {
  (void)self;
}
static inline const char* broken_last_error(lxdr_plugin_instance* self) {
  (void)self;
  return "";
}
static inline lxdr_status broken_provision(lxdr_plugin_instance* self,
                                           const lxdr_provision_request* request,
                                           const lxdr_sink* log) {
  (void)self;
  (void)request;
  (void)log;
  return LXDR_OK;
}

/* A well-formed provisioner descriptor named `name` with these ops. */
#define BROKEN_DESCRIPTOR(name, ops)                                                          \
  {                                                                                           \
    sizeof(lxdr_plugin_descriptor), LXDR_ABI_MAJOR, LXDR_ABI_MINOR, LXDR_KIND_PROVISIONER, 0, \
        name, "1.0.0", "a broken test plugin", 0, broken_create, broken_destroy,              \
        broken_last_error, ops                                                                \
  }

/* Exports `list` as the library's plugin list. */
#define BROKEN_ENTRY(list)                                                                     \
  LXDR_EXPORT const lxdr_plugin_list* lxdrunner_plugin_entry(uint16_t major, uint16_t minor);  \
  LXDR_EXPORT const lxdr_plugin_list* lxdrunner_plugin_entry(uint16_t major, uint16_t minor) { \
    (void)major;                                                                               \
    (void)minor;                                                                               \
    return (list);                                                                             \
  }

#endif
