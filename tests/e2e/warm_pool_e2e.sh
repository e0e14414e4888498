#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Warm pools end to end, real LXD + the GitHub simulator + the stand-in runner:
#   warm_pool_e2e.sh BIN SIM PLUGINS TARBALL SRC
# The pool fills to its size with no runner registered; a job is served by a warm instance
# and the pool refills; a restart adopts the idle instances (same names, nothing relaunched);
# moving the entry's image alias to another image replaces them; kill -9 during a refill
# leaks nothing (after the restart: exactly the pool, no registration).
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-e2e-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"
alias_name=lxdrt-warm-$$
trap 'e2e_cleanup; lxc image alias delete "$alias_name" >/dev/null 2>&1; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

size=3
fingerprint() { lxc image info "$1" 2>/dev/null | sed -n 's/^Fingerprint: //p'; }
e2e_ensure_runner_image  # a second image, for the alias move
first_image=$(fingerprint lxdrunner-test)
second_image=$(fingerprint "$E2E_RUNNER_IMAGE")
[ -n "$first_image" ] && [ -n "$second_image" ] && [ "$first_image" != "$second_image" ] ||
  e2e_fail "need two different images (lxdrunner-test, $E2E_RUNNER_IMAGE)"
lxc image alias create "$alias_name" "$first_image" >/dev/null || e2e_fail "cannot create alias $alias_name"

e2e_start_sim
E2E_IMAGE=$alias_name
e2e_write_config bash $((size + 1)) "    warm_pool: {size: $size}"
e2e_start_daemon

metric() {  # metric NAME: its value for entry e2e, or nothing
  curl -sf "http://127.0.0.1:$E2E_DAEMON_PORT/metrics" | sed -n "s/^$1{entry=\"e2e\"} //p"
}
idle_is() { [ "$(metric lxdrunner_warm_pool_idle)" = "$1" ]; }
warm_names() { e2e_instances | grep -- "-w-" | sort; }
count_instances() { e2e_instances | wc -l; }
pool_whole() { idle_is "$size" && [ "$(count_instances)" -eq "$size" ]; }

# 1. The pool fills; nothing is registered on GitHub before a job exists.
e2e_wait 90 pool_whole || e2e_fail "the pool did not fill to $size (idle $(metric lxdrunner_warm_pool_idle), instances: $(e2e_instances))"
e2e_no_runners || e2e_fail "a runner was registered before any job: $(e2e_runner_count)"
before=$(warm_names)
echo "pool filled: $(echo "$before" | tr '\n' ' ')"

# 2. A job is served by one of them; the pool refills.
job=$(e2e_queue_job)
e2e_wait 60 e2e_job_completed "$job" || e2e_fail "job $job was not completed: $(e2e_job_json "$job")"
runner=$(e2e_job_field "$job" runner_name)
echo "$before" | grep -qx -- "$runner" || e2e_fail "job $job ran on '$runner', not on a warm instance ($before)"
"$E2E_BIN" job "$job" --config "$E2E_WORK/config.yml" >"$E2E_WORK/job.txt" 2>&1 ||
  e2e_fail "lxdrunner job $job: $(cat "$E2E_WORK/job.txt")"
grep -q "served: *warm" "$E2E_WORK/job.txt" || e2e_fail "the job record does not say warm: $(cat "$E2E_WORK/job.txt")"
# The daemon runs as root beside LXD: the JIT config goes into the armed supervisor's FIFO
# from the host, with no exec on the job's critical path.
grep -q "start.fifo in [0-9]* ms (no exec)" "$E2E_WORK/job.txt" ||
  e2e_fail "the warm start ran an exec: $(cat "$E2E_WORK/job.txt")"
e2e_wait 90 pool_whole || e2e_fail "the pool did not refill (instances: $(e2e_instances))"
e2e_wait 30 e2e_no_runners || e2e_fail "runners left after the job: $(e2e_runner_count)"
hits=$(curl -sf "http://127.0.0.1:$E2E_DAEMON_PORT/metrics" | sed -n 's/^lxdrunner_warm_claims_total{entry="e2e",result="hit"} //p')
[ "$hits" = 1 ] || e2e_fail "lxdrunner_warm_claims_total hit is '$hits', expected 1"
"$E2E_BIN" status --config "$E2E_WORK/config.yml" >"$E2E_WORK/status.txt" 2>&1
grep -qE "^e2e .* $size/$size " "$E2E_WORK/status.txt" || e2e_fail "status does not show $size/$size: $(cat "$E2E_WORK/status.txt")"
echo "ok: job $job served warm by $runner; pool refilled"

# 3. A restart adopts the idle instances: same names, nothing launched again.
adopted=$(warm_names)
e2e_stop_daemon
e2e_start_daemon
e2e_wait 30 idle_is "$size" || e2e_fail "after a restart the pool shows $(metric lxdrunner_warm_pool_idle) idle"
sleep 3  # a pool check ran (reconcile_interval_s 2): it must keep them
[ "$(warm_names)" = "$adopted" ] || e2e_fail "a restart replaced warm instances: before $adopted, after $(warm_names)"
grep -q "recovery: $size warm instances adopted, 0 replaced" "$E2E_WORK/daemon.log" ||
  e2e_fail "the daemon did not report the adoption"
echo "ok: restart adopted $(echo "$adopted" | tr '\n' ' ')"

# 4. The alias moves to another image: every idle instance is replaced by one of the new image.
lxc image alias delete "$alias_name" >/dev/null && lxc image alias create "$alias_name" "$second_image" >/dev/null ||
  e2e_fail "cannot move alias $alias_name"
on_new_image() {
  local n names
  names=$(warm_names)
  pool_whole || return 1
  for n in $names; do
    echo "$adopted" | grep -qx -- "$n" && return 1
    [ "$(lxc config get "$n" volatile.base_image)" = "$second_image" ] || return 1
  done
}
e2e_wait 120 on_new_image || e2e_fail "the pool was not rebuilt on the new image (instances: $(e2e_instances))"
echo "ok: alias moved, pool rebuilt on ${second_image:0:12}"

# 5. kill -9 during a refill: after the restart, exactly the pool is left, no registration.
job=$(e2e_queue_job)
e2e_wait 60 e2e_job_completed "$job" || e2e_fail "job $job was not completed"
refilling() { [ "$(metric lxdrunner_warm_pool_preparing)" -ge 1 ] 2>/dev/null; }
e2e_wait 30 refilling || e2e_fail "no refill was seen after job $job"
e2e_kill9_daemon
echo "killed the daemon during a refill; instances: $(e2e_instances | tr '\n' ' ')"
e2e_start_daemon
e2e_wait 120 pool_whole || e2e_fail "after kill -9 the pool is not whole: idle $(metric lxdrunner_warm_pool_idle), instances: $(e2e_instances)"
sleep 3
pool_whole || e2e_fail "instances leaked after kill -9: $(e2e_instances)"
e2e_wait 30 e2e_no_runners || e2e_fail "registrations leaked after kill -9: $(e2e_runner_count)"
echo "ok: kill -9 during a refill leaked nothing ($(count_instances) instances = the pool)"

e2e_stop_daemon
e2e_check_no_secrets
