/* SPDX-License-Identifier: Apache-2.0 */
/* Not a plugin: a library whose constructor appends a line to the file named by
 * $LXDRUNNER_TEST_LOAD_MARKER. Tests put it where a command would find it, to see whether the
 * command ran plugin code. It lives in a directory of its own so other tests never load it. */
#include <stdio.h>
#include <stdlib.h>

#include "lxdrunner/plugin_abi.h"

__attribute__((constructor)) static void mark_loaded(void) {
  const char* path = getenv("LXDRUNNER_TEST_LOAD_MARKER");
  if (path == NULL || *path == '\0') return;
  FILE* file = fopen(path, "a");
  if (file == NULL) return;
  fputs("loaded\n", file);
  fclose(file);
}

LXDR_EXPORT int load_marker_present(void) {
  return 1;
}
