/* SPDX-License-Identifier: Apache-2.0 */
/* Its entry point returns NULL: the plugin refuses this host. */
#include "broken_parts.h"

BROKEN_ENTRY(0)
