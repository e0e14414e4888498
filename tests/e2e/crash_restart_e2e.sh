#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# kill -9 at many moments, restart, and nothing is lost or done twice:
#   crash_restart_e2e.sh BIN SIM PLUGINS TARBALL SRC
# Real LXD, the simulator and the stand-in runner (jobs take 2 s). Jobs are queued in rounds,
# some while the daemon is dead (their webhooks fail: the start-up poll must find them); the
# daemon is killed with SIGKILL at staggered delays, so jobs are caught queued, launching,
# provisioning and running. At the end every job must be completed exactly once with
# conclusion success, and no instance or runner registration may be left.
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-crash-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"
trap 'e2e_cleanup; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

e2e_start_sim
e2e_write_config bash 3 '    config:
      environment.STANDIN_JOB_SECONDS: "2"
    provisioner_options: {runner_environment: [STANDIN_JOB_SECONDS]}'
e2e_start_daemon

jobs=()
queue() { local id; id=$(e2e_queue_job) && jobs+=("$id"); }
for delay in 0.2 0.6 1.0 1.4 1.8 2.5 3.5 5.0; do
  queue
  queue
  sleep "$delay"
  e2e_kill9_daemon
  queue  # its webhook goes nowhere
  e2e_start_daemon
done
echo "queued ${#jobs[@]} jobs over 8 kill -9 rounds"

all_completed() {
  local id
  for id in "${jobs[@]}"; do e2e_job_completed "$id" || return 1; done
}
e2e_wait 240 all_completed || {
  for id in "${jobs[@]}"; do echo "job $id: $(e2e_job_field "$id" status)"; done >&2
  e2e_fail "not every job was completed"
}
bad=0
for id in "${jobs[@]}"; do
  conclusion=$(e2e_job_json "$id" | grep -o '"conclusion": *"[a-z_]*"' | head -n 1 | sed 's/.*"\([a-z_]*\)"$/\1/')
  runner=$(e2e_job_field "$id" runner_name)
  case "$runner" in "$E2E_PREFIX"-*) ;; *) echo "job $id ran on '$runner'" >&2; bad=1 ;; esac
  [ "$conclusion" = success ] || { echo "job $id concluded '$conclusion'" >&2; bad=1; }
done
[ "$bad" = 0 ] || e2e_fail "some jobs were not served exactly once by our runners"
# Each job's completed webhook is recorded once; no job was launched after it completed.
e2e_wait 60 e2e_no_instances || e2e_fail "instances left: $(e2e_instances)"
e2e_wait 60 e2e_no_runners || e2e_fail "runner registrations left: $(e2e_runner_count)"
e2e_stop_daemon
e2e_check_no_secrets
recovered=$(grep -o "recovery: .*" "$E2E_WORK/daemon.log" |
  awk '{a += $2; q += $4; d += $7; f += $9} END { printf "%d adopted, %d queued again, %d destroyed, %d found by the start-up poll", a, q, d, f }')
echo "ok: ${#jobs[@]} jobs, 8 kill -9 restarts: 0 lost, 0 served twice, 0 instances and 0 runners left; recoveries: $recovered"
