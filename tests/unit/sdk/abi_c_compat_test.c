/* SPDX-License-Identifier: Apache-2.0 */
/* Compiled as C: proves plugin_abi.h is pure C and that C and C++ agree on its layout. */
#include <stddef.h>

#include "lxdrunner/plugin_abi.h"

int lxdr_test_c_layout_matches(size_t descriptor_size, size_t host_api_size, size_t job_event_size);

int lxdr_test_c_layout_matches(size_t descriptor_size, size_t host_api_size,
                               size_t job_event_size) {
  return descriptor_size == sizeof(lxdr_plugin_descriptor) &&
         host_api_size == sizeof(lxdr_host_api) && job_event_size == sizeof(lxdr_job_event);
}
