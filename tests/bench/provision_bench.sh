#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Webhook -> runner registered, real LXD + the simulator + the stand-in runner, per provisioner:
#   provision_bench.sh BIN SIM PLUGINS TARBALL SRC [provisioners...] [--serial N] [--burst N W]
# For each provisioner: N jobs one at a time (default 20), then a burst of N jobs at once
# with max_workers W (default 30 with 10). Prints p50/p99 per phase, from the daemon log:
#   launch   = create + start + ready for exec (the backend's own measure)
#   provision= instance ready -> provisioner returned (runner process started)
#   after_running = instance running -> the runner took the job (credentials, push, setup
#              script, runner start, registration, first job request)
#   register = webhook accepted -> the runner took the job (in_progress; the stand-in
#              registers and asks for a job at once, so this is "runner online")
#   total    = webhook accepted -> runner took the job, and -> instance running
# and the daemon's CPU time against LXD's over the run.
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
shift 5
provisioners=() serial=20 burst=30 burst_workers=10
while [ $# -gt 0 ]; do
  case $1 in
    --serial) serial=$2; shift 2 ;;
    --burst) burst=$2 burst_workers=$3; shift 3 ;;
    *) provisioners+=("$1"); shift ;;
  esac
done
[ ${#provisioners[@]} -gt 0 ] || provisioners=(image disk-mount bash)
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-bench
source "$E2E_SRC/tests/e2e/e2e_lib.sh"
trap 'e2e_cleanup; rm -rf "$E2E_WORK"' EXIT

percentiles() {  # stdin: numbers; prints "p50 X p99 Y (n=N)"
  sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    i50 = int(0.5 * (NR - 1)) + 1; i99 = int(0.99 * (NR - 1)) + 1
    printf "p50 %5d ms  p99 %5d ms  (n=%d)", v[i50], v[i99], NR }'
}

# Per job id: the phase durations (ms) from the daemon log, one "phase value" line each.
phases() {
  awk -v prefix="$E2E_PREFIX" '
    function ms(ts) { split(ts, a, "T"); split(a[2], t, ":"); return ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 }
    function jobof(name,   p) { p = substr(name, length(prefix) + 2); sub(/-.*/, "", p); return p }
    / job [0-9]+ queued in / { for (i = 1; i <= NF; i++) if ($i == "job") { q[$(i + 1)] = ms($1); break } }
    /launched container / {
      for (i = 1; i <= NF; i++) if ($i == "container") name = $(i + 1)
      j = jobof(name); if (!(j in l)) { l[j] = ms($1); d[j] = $(NF - 1) }
    }
    /: runner started for job / {
      for (i = 1; i <= NF; i++) if ($i == "instance") name = $(i + 1)
      j = jobof(name); if (!(j in p)) p[j] = ms($1)
    }
    / in progress on runner / { for (i = 1; i <= NF; i++) if ($i == "job") { r[$(i + 1)] = ms($1); break } }
    END {
      for (j in q) {
        if (j in d) print "launch", d[j]
        if ((j in l) && (j in p)) print "provision", p[j] - l[j]
        if (j in l) print "to_running", l[j] - q[j]
        if (j in r) print "register", r[j] - q[j]
        if ((j in r) && (j in l)) print "after_running", r[j] - l[j]
      }
    }' "$E2E_WORK/daemon.log"
}

report() {
  local title=$1
  echo "  $title"
  for phase in launch provision to_running after_running register; do
    printf "    %-44s %s\n" "$(case $phase in
      launch) echo "launch (create+start+ready, backend)" ;;
      provision) echo "provision (ready -> runner process started)" ;;
      to_running) echo "webhook accepted -> instance running" ;;
      after_running) echo "instance running -> runner took the job" ;;
      register) echo "webhook accepted -> runner took the job" ;;
      esac)" "$(phases | awk -v p="$phase" '$1 == p { print $2 }' | percentiles)"
  done
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
lxd_pid() { pgrep -xo lxd || echo 0; }

e2e_use_padded_runner
e2e_start_sim
e2e_ensure_runner_image
echo "lxdrunner provisioning benchmark (runner package $(($(stat -c %s "$E2E_TARBALL") / 1048576)) MB): $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for provisioner in "${provisioners[@]}"; do
  for mode in serial burst; do
    E2E_IMAGE=lxdrunner-test
    [ "$provisioner" = image ] && E2E_IMAGE=$E2E_RUNNER_IMAGE
    workers=$([ "$mode" = serial ] && echo 1 || echo "$burst_workers")
    : >"$E2E_WORK/daemon.log"
    rm -rf "$E2E_WORK/state"
    e2e_write_config "$provisioner" "$workers"
    sed -i 's/^  interval: 10/  interval: 3600/' "$E2E_WORK/config.yml"
    e2e_start_daemon
    d0=$(cpu_ticks "$E2E_DAEMON_PID") l0=$(cpu_ticks "$(lxd_pid)") w0=$(e2e_now_ms)
    ids=()
    if [ "$mode" = serial ]; then
      for _ in $(seq "$serial"); do
        id=$(e2e_queue_job)
        ids+=("$id")
        e2e_wait 60 e2e_job_completed "$id" || e2e_fail "job $id not completed"
        e2e_wait 30 e2e_no_instances || e2e_fail "instances left"
      done
      title="$provisioner: $serial jobs one at a time"
    else
      for _ in $(seq "$burst"); do ids+=("$(e2e_queue_job)"); done
      for id in "${ids[@]}"; do e2e_wait 300 e2e_job_completed "$id" || e2e_fail "job $id not completed"; done
      e2e_wait 60 e2e_no_instances || e2e_fail "instances left"
      title="$provisioner: $burst jobs at once, max_workers $burst_workers"
    fi
    w1=$(e2e_now_ms) d1=$(cpu_ticks "$E2E_DAEMON_PID") l1=$(cpu_ticks "$(lxd_pid)")
    e2e_stop_daemon
    report "$title"
    hz=$(getconf CLK_TCK)
    echo "    CPU over $((w1 - w0)) ms: lxdrunner $(((d1 - d0) * 1000 / hz)) ms, lxd $(((l1 - l0) * 1000 / hz)) ms"
  done
done
