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
  got=
  json_get_to got "$short" serverUrl || fail "$which: json_get_to serverUrl exited $?"
  [ "$got" = http://127.0.0.1:1 ] || fail "$which: json_get_to serverUrl gave '$got'"
  if json_get_to got "$short" nothing; then fail "$which: json_get_to read an absent key"; fi
  json_quote_to got $'a "q" \\ b\tc'
  [ "$got" = '"a \"q\" \\ b\tc"' ] || fail "$which: json_quote_to gave '$got'"

  # The JIT config in one process: its files written (0600), .runner printed flattened.
  dir=$(mktemp -d)
  runner='{"agentId":42,"agentName":"r-1","serverUrl":"http://127.0.0.1:9/","ephemeral":true,"workFolder":"_work"}'
  creds='{"scheme":"OAuth","data":{"clientId":"c"}}'
  jit=$(printf '{".runner":"%s",".credentials":"%s",".credentials_rsaparams":"%s"}' \
    "$(printf '%s' "$runner" | base64 -w0)" "$(printf '%s' "$creds" | base64 -w0)" \
    "$(printf '{"d":"x"}' | base64 -w0)" | base64 -w0)
  flat=$( (umask 077 && json_unpack_jit "$dir" "$jit")) || fail "$which: json_unpack_jit exited $?"
  json_get_to got "$flat" agentName || fail "$which: the unpacked .runner has no agentName"
  [ "$got" = r-1 ] || fail "$which: the unpacked .runner reads '$got'"
  [ "$(cat "$dir/.runner")" = "$runner" ] || fail "$which: .runner holds '$(cat "$dir/.runner")'"
  [ "$(cat "$dir/.credentials")" = "$creds" ] || fail "$which: .credentials holds '$(cat "$dir/.credentials")'"
  [ "$(cat "$dir/.credentials_rsaparams")" = '{"d":"x"}' ] || fail "$which: .credentials_rsaparams is wrong"
  [ "$(stat -c %a "$dir/.credentials")" = 600 ] || fail "$which: .credentials is not 0600"
  rm -f "$dir"/.runner "$dir"/.credentials*
  # Every length of padding (0, 1 and 2 '=') decodes.
  for tail in '' a ab; do
    runner="{\"agentId\":1,\"x\":\"$tail\"}"
    jit=$(printf '{".runner":"%s",".credentials":"e30="}' "$(printf '%s' "$runner" | base64 -w0)" | base64 -w0)
    json_unpack_jit "$dir" "$jit" >/dev/null || fail "$which: padding case '$tail' exited $?"
    [ "$(cat "$dir/.runner")" = "$runner" ] || fail "$which: padding case '$tail' gave '$(cat "$dir/.runner")'"
  done
  json_unpack_jit "$dir" "$(printf '{".runner":"e30="}' | base64 -w0)" >/dev/null 2>"$dir/err"
  [ $? = 4 ] && [ "$(cat "$dir/err")" = .credentials ] || fail "$which: a missing .credentials is not named"
  json_unpack_jit "$dir" 'not*base64' >/dev/null 2>&1
  [ $? = 3 ] || fail "$which: a JIT config that is not base64 was not refused with 3"
  json_unpack_jit "$dir" "$(printf 'not json' | base64 -w0)" >/dev/null 2>&1
  [ $? != 0 ] || fail "$which: a JIT config that is not JSON was accepted"
  rm -rf "$dir"
  echo "ok: json helpers with $which"
  unset -f awk
done
