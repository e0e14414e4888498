#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# json_helpers_test.sh: the stand-in's JSON helpers under the listener's own shell options
# (pipefail), with every awk the guest may have. A key must read as present however long
# the document and however the reader is scheduled: a reader that stopped at its match
# once killed the writer with SIGPIPE, so present keys read as absent on a loaded machine
# and the runner quit right after it was handed a job.
set -uo pipefail
STANDIN_BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")/../bin" && pwd)
# shellcheck source=../bin/standin-json.sh
. "$STANDIN_BIN/standin-json.sh"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A document long enough that the writer cannot finish before the reader sees line one.
long=$(for i in $(seq 1 20000); do printf 'job.steps.%d.name\tstep %d\n' "$i" "$i"; done)
long=$(printf 'job.id\t42\n%s\nrepository\tocto/hello' "$long")

awks=(awk)
command -v busybox >/dev/null && busybox awk 'BEGIN{}' </dev/null 2>/dev/null && awks+=(busybox-awk)
for which in "${awks[@]}"; do
  if [ "$which" = busybox-awk ]; then awk() { busybox awk "$@"; }; fi
  got=$(json_get "$long" job.id) || fail "$which: json_get job.id exited $? on a long document"
  [ "$got" = 42 ] || fail "$which: json_get job.id gave '$got'"
  got=$(json_get "$long" repository) || fail "$which: json_get of the last key exited $?"
  [ "$got" = octo/hello ] || fail "$which: json_get repository gave '$got'"
  if json_get "$long" job.nothing >/dev/null; then fail "$which: an absent key read as present"; fi
  # The first match wins, as before.
  [ "$(json_get "$(printf 'a\t1\na\t2')" a)" = 1 ] || fail "$which: json_get did not keep the first match"
  [ "$(json_list "$(printf 'l.0\tx\nl.1\ty\nl.name\tz\nm.0\tw')" l | tr '\n' ,)" = x,y, ] ||
    fail "$which: json_list picked the wrong elements"
  [ "$(json_list "$long" job.steps | wc -l)" = 0 ] || fail "$which: json_list took object keys"
  # Many short reads in a row, in parallel, as on a loaded guest.
  short=$(printf 'agentId\t7\nagentName\tr\nserverUrl\thttp://127.0.0.1:1\nephemeral\ttrue')
  for _ in 1 2 3 4; do
    (for _ in $(seq 1 100); do json_get "$short" agentId >/dev/null || exit 1; done) &
  done
  for job in $(jobs -p); do wait "$job" || fail "$which: a short json_get failed under load"; done
  echo "ok: json helpers with $which"
  unset -f awk
done
