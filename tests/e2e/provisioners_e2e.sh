#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End to end, real LXD + the GitHub simulator + the stand-in runner:
#   provisioners_e2e.sh CASE BIN SIM PLUGINS TARBALL SRC
# CASE: bash | image | disk-mount   signed webhook -> instance -> JIT runner -> job done ->
#                                    instance gone -> no runner registered
#       setup-fails                 the setup script exits 3: job failed with the reason
#       never-registers             the runner never comes online: reaped after the timeout
#       image-missing               the entry's image does not exist: job failed with the reason
#       max-workers                 10 jobs, max_workers 3: never more than 3 instances, all served
set -uo pipefail
case_name=$1
E2E_BIN=$2 E2E_SIM=$3 E2E_PLUGINS=$4 E2E_TARBALL=$5 E2E_SRC=$6
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-e2e-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"
trap 'e2e_cleanup; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

e2e_start_sim
provisioner=bash
entry_extra=""
top_extra=""
case "$case_name" in
  bash | disk-mount) provisioner=$case_name ;;
  image)
    provisioner=image
    e2e_ensure_runner_image
    E2E_IMAGE=$E2E_RUNNER_IMAGE
    ;;
  setup-fails)
    printf '#!/bin/sh\necho "preparing the runner"\necho "apt: cannot reach the mirror" >&2\nexit 3\n' \
      >"$E2E_WORK/failing-setup.sh"
    chmod 755 "$E2E_WORK/failing-setup.sh"
    entry_extra="    setup_script: $E2E_WORK/failing-setup.sh"
    top_extra=""
    ;;
  never-registers)
    printf '#!/bin/sh\necho "set up, but no runner started"\nexit 0\n' >"$E2E_WORK/silent-setup.sh"
    chmod 755 "$E2E_WORK/silent-setup.sh"
    entry_extra="    setup_script: $E2E_WORK/silent-setup.sh"
    ;;
  image-missing) E2E_IMAGE=lxdrt-no-such-image ;;
  max-workers)
    provisioner=image
    e2e_ensure_runner_image
    E2E_IMAGE=$E2E_RUNNER_IMAGE
    ;;
  *) echo "unknown case $case_name" >&2; exit 2 ;;
esac
workers=2
[ "$case_name" = max-workers ] && workers=3
e2e_write_config "$provisioner" "$workers" "$entry_extra" "$top_extra"
if [ "$case_name" = setup-fails ] || [ "$case_name" = never-registers ] || [ "$case_name" = image-missing ]; then
  # Two attempts: a failure must show after the retry too, and a launch that a loaded
  # machine gets wrong once does not fail the test.
  sed -i 's/^  reconcile_interval_s: 2/  reconcile_interval_s: 1\n  launch_attempts: 2/; s/^  register_timeout_s: 60/  register_timeout_s: 5/' "$E2E_WORK/config.yml"
fi
e2e_start_daemon
if [ "$case_name" = max-workers ]; then
  ids=()
  for _ in $(seq 10); do ids+=("$(e2e_queue_job)"); done
  peak=0
  all_done() {
    local n id
    n=$(e2e_instances | wc -l)
    [ "$n" -gt "$peak" ] && peak=$n
    for id in "${ids[@]}"; do e2e_job_completed "$id" || return 1; done
  }
  e2e_wait 240 all_done || e2e_fail "not all 10 jobs were completed"
  e2e_wait 30 e2e_no_instances || e2e_fail "instances left: $(e2e_instances)"
  e2e_wait 30 e2e_no_runners || e2e_fail "runners left"
  [ "$peak" -le 3 ] || e2e_fail "$peak instances at once with max_workers 3"
  [ "$peak" -ge 2 ] || e2e_fail "never more than $peak instance at once: the limit was not exercised"
  echo "ok [max-workers]: 10 jobs served, at most $peak instances at once (max_workers 3)"
  e2e_stop_daemon
  e2e_check_no_secrets
  exit 0
fi
job=$(e2e_queue_job)
[ -n "$job" ] || e2e_fail "no job id"

case "$case_name" in
  bash | image | disk-mount)
    e2e_expect_served "$job"
    runner=$E2E_RUNNER
    # What an operator sees: the served job's phase history, and the metrics.
    for phase in queued launching provisioning; do
      grep -qE "^$phase +20[0-9-]+T" "$E2E_WORK/job.txt" || e2e_fail "no $phase row in: $(cat "$E2E_WORK/job.txt")"
    done
    grep -q "completed" "$E2E_WORK/job.txt" || e2e_fail "the job is not shown completed: $(cat "$E2E_WORK/job.txt")"
    curl -sf "http://127.0.0.1:$E2E_DAEMON_PORT/metrics" >"$E2E_WORK/metrics.txt" || e2e_fail "no /metrics"
    grep -q '^lxdrunner_jobs{state="completed"} 1$' "$E2E_WORK/metrics.txt" ||
      e2e_fail "/metrics does not count the completed job: $(grep lxdrunner_jobs "$E2E_WORK/metrics.txt")"
    echo "ok [$case_name]: job $job ran on $runner; $(e2e_phase_times "$job")"
    ;;
  setup-fails)
    e2e_wait 60 grep -q "job $job failed: provision failed: .*exit.* 3" "$E2E_WORK/daemon.log" ||
      e2e_fail "job $job was not failed with the script's exit status"
    e2e_wait 30 e2e_no_instances || e2e_fail "instances left: $(e2e_instances)"
    e2e_wait 30 e2e_no_runners || e2e_fail "a registration was left behind"
    echo "ok [$case_name]: $(grep -o "job $job failed: .*" "$E2E_WORK/daemon.log" | head -n 1 | cut -c1-160)"
    ;;
  never-registers)
    e2e_wait 60 grep -q "did not come online within register_timeout_s" "$E2E_WORK/daemon.log" ||
      e2e_fail "the silent runner was not reaped"
    e2e_wait 30 e2e_no_instances || e2e_fail "instances left: $(e2e_instances)"
    e2e_wait 30 e2e_no_runners || e2e_fail "the never-connected registration was left behind"
    echo "ok [$case_name]: reaped after the timeout, registration deleted"
    ;;
  image-missing)
    e2e_wait 60 grep -q "job $job failed: launch failed: .*lxdrt-no-such-image" "$E2E_WORK/daemon.log" ||
      e2e_fail "job $job was not failed naming the missing image"
    e2e_no_instances || e2e_fail "instances left: $(e2e_instances)"
    echo "ok [$case_name]: $(grep -o "job $job failed: .*" "$E2E_WORK/daemon.log" | head -n 1 | cut -c1-160)"
    ;;
esac
e2e_stop_daemon
e2e_check_no_secrets
