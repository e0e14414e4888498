/* SPDX-License-Identifier: Apache-2.0 */
/* Its descriptor says it is 16 bytes long: the version fields and the kind, no name and no
 * functions. The fields after those are filled in anyway, so a loader that read past
 * struct_size would find a name to show: it must not. */
#include "broken_parts.h"

static const lxdr_provisioner_ops ops = {sizeof(lxdr_provisioner_ops), broken_provision, 0, 0, 0};
static const lxdr_plugin_descriptor descriptor = {
    16,  LXDR_ABI_MAJOR,       LXDR_ABI_MINOR, LXDR_KIND_PROVISIONER,
    0,   "beyond-struct-size", "1.0.0",        "a descriptor shorter than ABI 1 requires",
    0,   broken_create,        broken_destroy, broken_last_error,
    &ops};
static const lxdr_plugin_descriptor* const descriptors[] = {&descriptor};
static const lxdr_plugin_list list = {sizeof(lxdr_plugin_list), 1, descriptors};

BROKEN_ENTRY(&list)
