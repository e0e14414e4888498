#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# LXD's own floor on this machine, without lxdrunner (docs/warm-pools.md, "Where the time
# goes"):   lxd_floor.sh [IMAGE_ALIAS] [ROUNDS] [proxy]
#   - LXD's CPU per exec: 20 execs of `true` through the API, one at a time; the LXD
#     daemon's CPU (its own and its reaped helpers', `lxd forkexec`) per exec;
#   - ten launches at once: ten creates (POST /1.0/instances) each followed by its start
#     (no lxc client, no provisioning, no readiness wait), the time until each one runs;
#     with `proxy`, each has the proxy device the benchmarks' instances have (one
#     `lxd forkproxy` per instance: what issue 11's targets were measured with).
# Talks to LXD's unix socket with curl; the instances are named lxdrt-floor-<pid>-*.
set -uo pipefail
image=${1:-lxdrunner-test}
rounds=${2:-3}
devices='{}'
# A proxy device as the e2e tests and benchmarks give their instances (the port needs no
# listener: the instance side listens, the host side is dialled per connection).
[ "${3:-}" = proxy ] && devices='{"github":{"type":"proxy","listen":"tcp:127.0.0.1:9","connect":"tcp:127.0.0.1:9","bind":"instance"}}'
sock=${LXD_SOCKET:-/var/lib/lxd/unix.socket}
prefix=lxdrt-floor-$$
api() { curl -sf --unix-socket "$sock" "$@"; }
operation() { sed -n 's/.*"operation":"\([^"]*\)".*/\1/p'; }
cleanup() {
  local n
  for n in $(lxc list --format csv -c n 2>/dev/null | grep "^$prefix-"); do lxc delete -f "$n" >/dev/null 2>&1; done
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
launch() {  # NAME: creates it, then starts it (LXD 5.0 has no start in the create)
  local op
  op=$(api -X POST -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"devices\":$devices,\"source\":{\"type\":\"image\",\"alias\":\"$image\"}}" \
    http://lxd/1.0/instances | operation) && [ -n "$op" ] || return 1
  api "http://lxd$op/wait?timeout=300" | grep -q '"status":"Success"' || return 1
  op=$(api -X PUT -H 'Content-Type: application/json' -d '{"action":"start","timeout":60}' \
    "http://lxd/1.0/instances/$1/state" | operation) && [ -n "$op" ] || return 1
  api "http://lxd$op/wait?timeout=300" | grep -q '"status":"Success"'
}
lxd_pid=$(pgrep -xo lxd) || { echo "lxd_floor: no lxd process" >&2; exit 1; }
hz=$(getconf CLK_TCK)
lxd_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$lxd_pid/stat"; }

echo "LXD floor ($(nproc) cores, image $image${3:+, $3 device}, load $(cut -d' ' -f1-3 /proc/loadavg)):"
launch "$prefix-exec" || { echo "lxd_floor: cannot launch $image" >&2; exit 1; }
t0=$(lxd_ticks)
for _ in $(seq 20); do
  op=$(api -X POST -H 'Content-Type: application/json' \
    -d '{"command":["true"],"wait-for-websocket":false,"record-output":false,"interactive":false}' \
    "http://lxd/1.0/instances/$prefix-exec/exec" | operation)
  api "http://lxd$op/wait?timeout=60" | grep -q '"return":0' ||
    { echo "lxd_floor: an exec of true in $prefix-exec failed" >&2; exit 1; }
done
t1=$(lxd_ticks)
echo "  LXD CPU per exec of true:                 $(((t1 - t0) * 1000 / hz / 20)) ms"
for r in $(seq "$rounds"); do
  start=$(now_ms)
  for i in $(seq 10); do
    (launch "$prefix-$r-$i" && echo $(($(now_ms) - start)) || echo failed) &
  done >"/tmp/$prefix.times"
  wait
  printf "  ten launches at once, round %d (ms):     %s\n" "$r" "$(sort -n "/tmp/$prefix.times" | tr '\n' ' ')"
  rm -f "/tmp/$prefix.times"
  for i in $(seq 10); do lxc delete -f "$prefix-$r-$i" >/dev/null 2>&1 & done
  wait
  sleep 5
done
