#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A warm pool on an entry using a device pool, on real LXD (docs/custom-hardware.md):
#   warm_device_pools_e2e.sh BIN SIM PLUGINS TARBALL SRC
# A pool of two unix-char items (/dev/zero and /dev/full, each appearing inside as
# /dev/lxdrunner-tty) behind an entry with max_workers 4 and warm_pool {size: 2}.
# The warm instances fill without any item; four jobs at once are served, those that take
# a warm instance get their item hot-plugged (the device is there inside before the job
# ends), no item is ever on two instances and at most two instances have one; afterwards
# the pool is back at two idle instances holding nothing.
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-warmdev-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"

source "$E2E_SRC/tests/e2e/device_sampler_lib.sh"
trap 'stop_sampler; e2e_cleanup; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

# A warm instance seen with its item is checked once from inside: the device node must be
# there while it holds it.
check_inside() {
  case $1 in
    *-w-*)
      if ! grep -qx "$1" "$E2E_WORK/seen-inside" 2>/dev/null &&
        lxc exec "$1" -- test -c /dev/lxdrunner-tty </dev/null 2>/dev/null; then
        echo "$1" >>"$E2E_WORK/seen-inside"
      fi
      ;;
  esac
}
metric() {  # metric NAME: its value for entry e2e, or nothing
  curl -sf "http://127.0.0.1:$E2E_DAEMON_PORT/metrics" | sed -n "s/^$1{entry=\"e2e\"} //p"
}
warm_names() { e2e_instances | grep -- "-w-" | sort; }
pool_whole() { [ "$(metric lxdrunner_warm_pool_idle)" = 2 ] && [ "$(e2e_instances | wc -l)" -eq 2 ]; }
# No idle warm instance has the pool's device.
idle_hold_nothing() {
  local name
  for name in $(warm_names); do
    if lxc config device get "$name" tty source >/dev/null 2>&1; then
      e2e_fail "idle warm instance $name has the pool's device"
    fi
  done
}

e2e_start_sim
e2e_write_config bash 4 '    warm_pool: {size: 2}
    config:
      environment.STANDIN_JOB_SECONDS: "5"
    provisioner_options: {runner_environment: [STANDIN_JOB_SECONDS]}
    device_pools: {tty: e2e-ttys}' 'device_pools:
  e2e-ttys:
    type: unix-char
    devices:
      - {source: /dev/zero, path: /dev/lxdrunner-tty}
      - {source: /dev/full, path: /dev/lxdrunner-tty}'
"$E2E_BIN" check-config --config "$E2E_WORK/config.yml" >"$E2E_WORK/check.txt" 2>&1 ||
  e2e_fail "check-config: $(cat "$E2E_WORK/check.txt")"
grep -q "warning: .*warm_pool" "$E2E_WORK/check.txt" && e2e_fail "check-config warns about the warm pool: $(cat "$E2E_WORK/check.txt")"
e2e_start_daemon

e2e_wait 120 pool_whole || e2e_fail "the pool did not fill to 2 (instances: $(e2e_instances))"
idle_hold_nothing
no_holds || e2e_fail "items held while the pool is idle: $(holds)"
before=$(warm_names)
echo "pool filled, holding no item: $(echo "$before" | tr '\n' ' ')"

: >"$E2E_WORK/seen-inside"
start_sampler check_inside
jobs=()
all_completed() {
  local id
  for id in "${jobs[@]}"; do e2e_job_completed "$id" || return 1; done
}
for _ in 1 2 3 4; do jobs+=("$(e2e_queue_job)"); done
e2e_wait 240 all_completed || e2e_fail "not every job was completed: $(for id in "${jobs[@]}"; do printf '%s:%s ' "$id" "$(e2e_job_field "$id" status)"; done)"
e2e_wait 120 pool_whole || e2e_fail "the pool did not come back to 2 idle (instances: $(e2e_instances))"
e2e_wait 30 no_holds || e2e_fail "items still held after every job: $(holds)"
stop_sampler
check_samples
idle_hold_nothing

warm_served=0
for id in "${jobs[@]}"; do
  runner=$(e2e_job_field "$id" runner_name)
  if echo "$before" | grep -qx -- "$runner"; then
    warm_served=$((warm_served + 1))
    grep -q "^$runner=" <(tr ' ' '\n' <"$E2E_WORK/samples") ||
      e2e_fail "job $id ran on warm instance $runner, which never had the pool's device"
  fi
done
[ "$warm_served" -ge 1 ] || e2e_fail "no job was served by a warm instance ($before)"
[ -s "$E2E_WORK/seen-inside" ] || e2e_fail "no warm instance showed /dev/lxdrunner-tty inside while it held its item"
hits=$(curl -sf "http://127.0.0.1:$E2E_DAEMON_PORT/metrics" | sed -n 's/^lxdrunner_warm_claims_total{entry="e2e",result="hit"} //p')
[ "${hits:-0}" -ge 1 ] || e2e_fail "lxdrunner_warm_claims_total hit is '$hits'"
e2e_stop_daemon
e2e_check_no_secrets
echo "ok: four jobs, $warm_served served warm with the item hot-plugged (seen inside: $(tr '\n' ' ' <"$E2E_WORK/seen-inside")), no item on two instances, pool back at 2 holding nothing"
