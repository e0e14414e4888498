#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Job start latency with and without warm pools, real LXD + the simulator + the stand-in
# runner:   warm_bench.sh BIN SIM PLUGINS TARBALL SRC [PROVISIONER] [--serial N] [--bursts N]
#                         [--github-latency MS] [--cold-only]
# Measures "webhook accepted -> the runner took the job" (the daemon's "queued" line to the
# in_progress webhook the simulator sends when the runner acquires the job), p50/p99, for:
#   warm, one at a time   pool of 10; each job waits until the pool is whole again
#   warm, ten at once     pool of 10, max_workers 10; N bursts, the pool refilled between
#   the same two with freeze: true
#   cold, ten at once     no pool, max_workers 10 (what every job paid before warm pools)
# and the daemon's CPU while 10 warm instances idle for 30 s (target < 1 % of a core).
# --github-latency MS: the simulator answers every REST call MS later, as GitHub does from
# afar (generate-jitconfig from here: a few hundred ms). --cold-only: the cold rows only, with
# dispatcher.prefetch_jit_config on and off. The runner package is the stand-in padded to the
# real one's ~180 MB with incompressible bytes (LXDRUNNER_BENCH_RUNNER_MB; 0 = the 10 KB one).
# Add --rows warm-serial,warm-burst,... to run only some rows (names: warm-serial warm-burst
# freeze-serial freeze-burst cold-serial cold-burst), --keep-logs DIR to keep each row's
# daemon log (the job logs in it say where each start's time went), --settle S to wait S
# seconds between one-at-a-time jobs (the host finishing the last refill's disk writes),
# --job-seconds S to have each job run S seconds (0: it ends at once, so a burst's first
# instances are torn down while its last ones start), --reconcile S for the reconcile and
# pool-check interval (2 s by default here; 60 s is the daemon's default). --handover exec:
# the daemon runs without CAP_DAC_OVERRIDE and CAP_SYS_PTRACE (as root it owns the containers'
# user namespaces, so only the first matters), like the packaged systemd unit, so a warm
# start goes through phase start's LXD exec instead of the FIFO write from the host.
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
shift 5
provisioner=bash serial=20 bursts=3 latency=0 cold_only= rows=all keep_logs= settle=0 job_seconds=0 reconcile_s=2 handover=fifo
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows=,$2,; shift 2 ;;
    --keep-logs) keep_logs=$2; mkdir -p "$keep_logs"; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --job-seconds) job_seconds=$2; shift 2 ;;
    --reconcile) reconcile_s=$2; shift 2 ;;
    --serial) serial=$2; shift 2 ;;
    --bursts) bursts=$2; shift 2 ;;
    --github-latency) latency=$2; shift 2 ;;
    --cold-only) cold_only=1; shift ;;
    --handover)
      case $2 in
      fifo) ;;
      exec) export E2E_DAEMON_WRAPPER="setpriv --bounding-set=-sys_ptrace,-dac_override --inh-caps=-sys_ptrace,-dac_override --" ;;
      *) echo "--handover fifo|exec" >&2; exit 2 ;;
      esac
      handover=$2; shift 2 ;;
    *) provisioner=$1; shift ;;
  esac
done
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-wbench
source "$E2E_SRC/tests/e2e/e2e_lib.sh"
trap 'e2e_cleanup; rm -rf "$E2E_WORK"' EXIT
size=10

percentiles() {  # stdin: numbers; prints "p50 X p99 Y (n=N)"
  sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    i50 = int(0.5 * (NR - 1)) + 1; i99 = int(0.99 * (NR - 1)) + 1
    printf "p50 %5d ms  p99 %5d ms  max %5d ms  (n=%d)", v[i50], v[i99], v[NR], NR }'
}

# webhook accepted -> runner took the job, in ms, one line per job of this run.
latencies() {
  awk '
    function ms(ts) { split(ts, a, "T"); split(a[2], t, ":"); return ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 }
    / job [0-9]+ queued in / { for (i = 1; i <= NF; i++) if ($i == "job") { q[$(i + 1)] = ms($1); break } }
    / in progress on runner / { for (i = 1; i <= NF; i++) if ($i == "job") { j = $(i + 1); if (!(j in r)) r[j] = ms($1); break } }
    END { for (j in q) if (j in r) print r[j] - q[j] }' "$E2E_WORK/daemon.log"
}
# The same jobs split at the runner's process start, which the stand-in reports to the
# simulator: "lxdrunner's part" is webhook accepted -> runner process started (claim, JIT
# config, push, the setup script's start), "the runner's own" is process started -> took
# the job (a real runner's .NET start is heavier than the stand-in's; see docs).
split_latencies() {  # prints "OURS RUNNERS" in ms, one line per job
  local id queued timing
  awk '/ job [0-9]+ queued in / { for (i = 1; i <= NF; i++) if ($i == "job") { print $(i + 1), $1; break } }' \
    "$E2E_WORK/daemon.log" | while read -r id queued; do
    timing=$(curl -sf "$E2E_SIM_URL/_sim/jobs/$id") || continue
    awk -v q="$queued" -v t="$timing" 'BEGIN {
      split(q, a, "T"); split(a[2], c, ":"); qd = ((c[1] * 60 + c[2]) * 60 + c[3]) * 1000
      if (!match(t, /"runner_process_started_ms" *: *[0-9]+/)) exit
      p = substr(t, RSTART, RLENGTH); sub(/.*: */, "", p)
      if (!match(t, /"job_acquired_ms" *: *[0-9]+/)) exit
      j = substr(t, RSTART, RLENGTH); sub(/.*: */, "", j)
      if (p == 0) exit
      pd = p % 86400000; if (pd < qd - 43200000) pd += 86400000
      printf "%d %d\n", pd - qd, j - p }'
  done
}

metric() {
  curl -sf "http://127.0.0.1:$E2E_DAEMON_PORT/metrics" | sed -n "s/^$1{entry=\"e2e\"} //p"
}
pool_whole() { [ "$(metric lxdrunner_warm_pool_idle)" = "$size" ]; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

run() {  # run TITLE POOL_YAML MODE(serial|burst) [PREFETCH(true|false)]
  local title=$1 pool=$2 mode=$3 prefetch=${4:-true} ids=() id b
  : >"$E2E_WORK/daemon.log"
  rm -rf "$E2E_WORK/state"
  e2e_write_config "$provisioner" "$size" "$pool
    config:
      environment.STANDIN_JOB_SECONDS: \"$job_seconds\"
    provisioner_options: {runner_environment: [STANDIN_JOB_SECONDS]}"
  sed -i 's/^  interval: 10/  interval: 3600/' "$E2E_WORK/config.yml"
  sed -i "s/^  reconcile_interval_s: 2$/  reconcile_interval_s: $reconcile_s/" "$E2E_WORK/config.yml"
  sed -i "s/^dispatcher:\$/dispatcher:\n  prefetch_jit_config: $prefetch/" "$E2E_WORK/config.yml"
  e2e_start_daemon
  if [ -n "$pool" ]; then e2e_wait 300 pool_whole || e2e_fail "the pool did not fill"; fi
  if [ "$mode" = serial ]; then
    for _ in $(seq "$serial"); do
      id=$(e2e_queue_job)
      e2e_wait 60 e2e_job_completed "$id" || e2e_fail "job $id not completed"
      if [ -n "$pool" ]; then e2e_wait 120 pool_whole || e2e_fail "the pool did not refill"; fi
      e2e_wait 60 e2e_no_runners || e2e_fail "runners left"
      sleep "$settle"
    done
  else
    for b in $(seq "$bursts"); do
      # Ten webhooks at once, from one request: the simulator sends them back to back. (Ten
      # clients in parallel, a subshell, curl and sed each, spent ~40 processes on these two
      # cores beside the starts being timed, and spread the webhooks over ~0.6 s.)
      mapfile -t ids < <(e2e_queue_jobs "$size")
      [ "${#ids[@]}" -eq "$size" ] || e2e_fail "queued ${#ids[@]} of $size jobs"
      # Not e2e_wait: its five processes every 100 ms ran beside the starts it measures
      # (perf: ~10 % of both cores in a burst). Nothing asked until the jobs can be done.
      sleep "$job_seconds"
      for id in "${ids[@]}"; do
        for _ in $(seq 300); do e2e_job_completed "$id" && break; sleep 1; done
        e2e_job_completed "$id" || e2e_fail "job $id of burst $b not completed"
      done
      if [ -n "$pool" ]; then e2e_wait 300 pool_whole || e2e_fail "the pool did not refill"; fi
      e2e_wait 60 e2e_no_runners || e2e_fail "runners left"
    done
  fi
  if [ -n "$pool" ] && [ "$mode" = burst ] && [ -z "${cpu_done:-}" ]; then
    local d0 d1 hz
    cpu_done=1
    hz=$(getconf CLK_TCK)
    d0=$(cpu_ticks "$E2E_DAEMON_PID")
    sleep 30
    d1=$(cpu_ticks "$E2E_DAEMON_PID")
    idle_cpu="daemon CPU with $size idle warm instances: $(((d1 - d0) * 1000 / hz)) ms over 30 s = $(awk -v t=$(((d1 - d0) * 1000 / hz)) 'BEGIN { printf "%.2f", t / 300 }') % of a core"
  fi
  if [ -n "$keep_logs" ]; then
    cp "$E2E_WORK/daemon.log" "$keep_logs/${title//[^a-z0-9]/_}.log"
    # Each job's provisioning log (the JIT request, the push, the setup script's lines).
    for id in $(awk '/ job [0-9]+ queued in / { for (i = 1; i <= NF; i++) if ($i == "job") print $(i + 1) }' "$E2E_WORK/daemon.log"); do
      curl -sf -H "Authorization: Bearer $E2E_API_TOKEN" \
        "http://127.0.0.1:$E2E_API_PORT/api/v1/jobs/$id" >>"$keep_logs/${title//[^a-z0-9]/_}.jobs.json"
      echo >>"$keep_logs/${title//[^a-z0-9]/_}.jobs.json"
    done
  fi
  e2e_stop_daemon
  # Its warm instances would be orphans of the next run (a fresh store): remove them now.
  for id in $(e2e_instances); do lxc delete -f "$id" >/dev/null 2>&1; done
  printf "  %-44s %s\n" "$title" "$(latencies | percentiles)"
  split_latencies >"$E2E_WORK/split"
  printf "  %-44s %s\n" "  of which lxdrunner's part" "$(cut -d' ' -f1 "$E2E_WORK/split" | percentiles)"
  printf "  %-44s %s\n" "  of which the runner's own start" "$(cut -d' ' -f2 "$E2E_WORK/split" | percentiles)"
}

e2e_use_padded_runner
e2e_start_sim
if [ "$latency" != 0 ]; then
  curl -sf -o /dev/null -X POST "$E2E_SIM_URL/_sim/faults" -H 'Content-Type: application/json' \
    -d "{\"latency_ms\":$latency}" || e2e_fail "cannot set the simulator's latency"
fi
[ "$provisioner" = image ] && { e2e_ensure_runner_image; E2E_IMAGE=$E2E_RUNNER_IMAGE; }
echo "lxdrunner warm pool benchmark ($provisioner provisioner, runner package $(($(stat -c %s "$E2E_TARBALL") / 1048576)) MB): $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "webhook accepted -> runner took the job (GitHub latency $latency ms, warm hand-over: $handover):"
if [ -n "$cold_only" ]; then
  run "cold, one at a time" "" serial true
  run "cold, one at a time, no JIT prefetch" "" serial false
  run "cold, ten at once" "" burst true
  run "cold, ten at once, no JIT prefetch" "" burst false
  exit 0
fi
row() { [ "$rows" = all ] || [[ $rows == *",$1,"* ]]; }
row warm-serial && run "warm, one at a time" "    warm_pool: {size: $size}" serial
row warm-burst && run "warm, ten at once" "    warm_pool: {size: $size}" burst
row freeze-serial && run "warm + freeze, one at a time" "    warm_pool: {size: $size, freeze: true}" serial
row freeze-burst && run "warm + freeze, ten at once" "    warm_pool: {size: $size, freeze: true}" burst
row cold-serial && run "cold, one at a time" "" serial
row cold-burst && run "cold, ten at once" "" burst
echo "${idle_cpu:-}"
