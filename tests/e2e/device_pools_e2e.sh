#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Device pools on real LXD (docs/custom-hardware.md):
#   device_pools_e2e.sh BIN SIM PLUGINS TARBALL SRC
# A pool of two unix-char items (/dev/zero and /dev/full, each appearing inside as
# /dev/lxdrunner-tty) behind an entry with max_workers 4.
# Six jobs at once: at most two instances at any moment, every running instance with its
# own item, all six served, no hold left in the job store. Then kill -9 while both items are
# held: after the restart no item is on two instances at once, every job is served and
# nothing is held or left behind.
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-devpool-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"

source "$E2E_SRC/tests/e2e/device_sampler_lib.sh"
trap 'stop_sampler; e2e_cleanup; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

e2e_start_sim
e2e_write_config bash 4 '    config:
      environment.STANDIN_JOB_SECONDS: "3"
    provisioner_options: {runner_environment: [STANDIN_JOB_SECONDS]}
    device_pools: {tty: e2e-ttys}' 'device_pools:
  e2e-ttys:
    type: unix-char
    devices:
      - {source: /dev/zero, path: /dev/lxdrunner-tty}
      - {source: /dev/full, path: /dev/lxdrunner-tty}'
"$E2E_BIN" check-config --config "$E2E_WORK/config.yml" >"$E2E_WORK/check.txt" 2>&1 ||
  e2e_fail "check-config: $(cat "$E2E_WORK/check.txt")"
e2e_start_daemon
start_sampler

jobs=()
all_completed() {
  local id
  for id in "${jobs[@]}"; do e2e_job_completed "$id" || return 1; done
}
for _ in 1 2 3 4 5 6; do jobs+=("$(e2e_queue_job)"); done
e2e_wait 240 all_completed || e2e_fail "not every job was completed: $(for id in "${jobs[@]}"; do printf '%s:%s ' "$id" "$(e2e_job_field "$id" status)"; done)"
e2e_wait 60 e2e_no_instances || e2e_fail "instances left: $(e2e_instances)"
e2e_wait 30 no_holds || e2e_fail "items still held after every job: $(holds)"
check_samples
[ "$MAX_SEEN" = 2 ] || e2e_fail "never two instances at once (max $MAX_SEEN): the pool was not used in parallel"
for id in "${jobs[@]}"; do
  runner=$(e2e_job_field "$id" runner_name)
  case "$runner" in "$E2E_PREFIX"-*) ;; *) e2e_fail "job $id ran on '$runner'" ;; esac
done
echo "six jobs on a pool of two: all served, at most $MAX_SEEN instances at once, each with its own item, nothing held"

# kill -9 while both items are held.
first=${#jobs[@]}
for _ in 1 2 3; do jobs+=("$(e2e_queue_job)"); done
e2e_wait 60 two_holds || e2e_fail "the two items were never held together: $(holds)"
e2e_kill9_daemon
e2e_start_daemon
e2e_wait 240 all_completed || e2e_fail "not every job was completed after the restart"
# Recovery compared the holds with what LXD shows attached: no item was on two instances.
grep -q "recovery: device pools: .* 0 items found on two instances" "$E2E_WORK/daemon.log" ||
  e2e_fail "recovery did not report its device check: $(grep 'recovery: ' "$E2E_WORK/daemon.log" | tail -n 5)"
e2e_wait 60 e2e_no_instances || e2e_fail "instances left after the restart: $(e2e_instances)"
e2e_wait 30 no_holds || e2e_fail "items still held after the restart: $(holds)"
stop_sampler
check_samples
e2e_stop_daemon
e2e_check_no_secrets
echo "ok: kill -9 with both items held: $((${#jobs[@]} - first)) more jobs served, no item on two instances, nothing held or left"
