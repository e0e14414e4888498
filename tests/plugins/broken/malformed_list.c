/* SPDX-License-Identifier: Apache-2.0 */
/* Its plugin list claims one descriptor but has no array of them. */
#include "broken_parts.h"

static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, 0};

BROKEN_ENTRY(&list)
