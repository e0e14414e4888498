# SPDX-License-Identifier: Apache-2.0
# Shared by the end-to-end tests and scripts/demo: the GitHub simulator, the daemon and
# real LXD, all on loopback. Source it, set E2E_* (below), then call the functions.
#
#   E2E_BIN      the lxdrunner binary           E2E_SIM      the github-sim binary
#   E2E_PLUGINS  the build tree's plugin dir    E2E_TARBALL  the stand-in runner tarball
#   E2E_SRC      the source tree                E2E_WORK     a scratch directory (created)
#   E2E_PREFIX   instance/runner name prefix (default lxdrt-e2e; lxd-test-env.sh clean removes it)

E2E_PREFIX=${E2E_PREFIX:-lxdrt-e2e}
E2E_REPO=${E2E_REPO:-octo/e2e}
E2E_PAT=ghp_e2e_token_not_secret_but_never_logged
E2E_HOOKSECRET=e2e-hook-secret-never-logged
E2E_API_TOKEN=e2e-operator-token-never-logged
E2E_LABELS='["self-hosted","linux","e2e"]'

e2e_fail() {
  echo "FAIL: $*" >&2
  if [ -f "$E2E_WORK/daemon.log" ]; then
    echo "--- daemon log (last 60 lines):" >&2
    tail -n 60 "$E2E_WORK/daemon.log" >&2
  fi
  exit 1
}

. "$E2E_SRC/tests/lib/daemon_ports.sh"

# Waits up to $1 seconds for the command "$2..." to succeed.
e2e_wait() {
  local limit=$1
  shift
  local end=$((SECONDS + limit))
  while [ "$SECONDS" -lt "$end" ]; do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  "$@"
}

e2e_now_ms() { date +%s%3N; }

# For benchmarks of anything that pushes or unpacks the runner: points E2E_TARBALL at the
# stand-in padded with incompressible bytes to the real package's size (LXDRUNNER_BENCH_RUNNER_MB,
# default 180; 0 keeps the 10 KB stand-in), built once in the build tree next to it.
e2e_use_padded_runner() {
  local mb=${LXDRUNNER_BENCH_RUNNER_MB:-180} out
  [ "$mb" != 0 ] || return 0
  out="$(dirname "$E2E_TARBALL")/padded-${mb}mb/$(basename "$E2E_TARBALL")"
  bash "$E2E_SRC/tests/runner_standin/make_padded_tarball.sh" "$E2E_TARBALL" "$out" "$mb" ||
    e2e_fail "cannot build the padded stand-in runner $out"
  E2E_TARBALL=$out
}

# Starts github-sim with the stand-in tarball as the runner download; sets E2E_SIM_URL.
# Its webhook URL is set by e2e_start_daemon, once the daemon has a port.
e2e_start_sim() {
  mkdir -p "$E2E_WORK"
  "$E2E_SIM" --port 0 --pat "$E2E_PAT" \
    --download "linux,x64,$E2E_TARBALL" >"$E2E_WORK/sim.out" 2>"$E2E_WORK/sim.err" &
  E2E_SIM_PID=$!
  e2e_wait 10 grep -q "listening on" "$E2E_WORK/sim.out" || e2e_fail "github-sim did not start: $(cat "$E2E_WORK/sim.err")"
  E2E_SIM_URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$E2E_WORK/sim.out" | head -n 1)
  E2E_SIM_PORT=${E2E_SIM_URL##*:}
}

# Writes $E2E_WORK/config.yml. Both listeners get port 0: the system picks free ports when
# the daemon binds them, so no other test can take them first; e2e_start_daemon reads them
# back from the state directory's ports file. $1: provisioner; $2: max_workers; $3: extra entry YAML
# (indented 4 spaces); $4: extra top-level YAML.
e2e_write_config() {
  local provisioner=$1 workers=$2 entry_extra=${3:-} top_extra=${4:-}
  cat >"$E2E_WORK/config.yml" <<YAML
pat: $E2E_PAT
hooksecret: $E2E_HOOKSECRET
github_api_url: $E2E_SIM_URL
prefix: $E2E_PREFIX
max_workers: 20
web_host: 127.0.0.1
web_port: 0
web_tls: false
plugin_dirs: [ "$E2E_PLUGINS" ]
state_dir: $E2E_WORK/state
runner_cache_dir: $E2E_WORK/runner-cache
operator_api:
  enabled: true
  token: $E2E_API_TOKEN
  port: 0
dispatcher:
  reconcile_interval_s: 2
  retry_backoff_s: 1
  register_timeout_s: 60
  idle_runner_grace_s: 20
  offline_runner_grace_s: 10
plugins:
  bash: { default_setup_script: $E2E_SRC/config/runner-setup.sh }
  image: { default_setup_script: $E2E_SRC/config/runner-setup.sh }
  disk-mount: { default_setup_script: $E2E_SRC/config/runner-setup.sh }
event_sources:
  webhook: {}
  poll:
    repositories: [ $E2E_REPO ]
    interval: 10
runnermap:
  - name: e2e
    labels: [ self-hosted, linux, e2e ]
    image: ${E2E_IMAGE:-lxdrunner-test}
    type: container
    runner_os: linux
    runner_arch: x64
    provisioner: $provisioner
    max_workers: $workers
    devices:
      github:
        type: proxy
        listen: tcp:127.0.0.1:$E2E_SIM_PORT
        connect: tcp:127.0.0.1:$E2E_SIM_PORT
        bind: instance
$entry_extra
$top_extra
YAML
}

# Starts the daemon; sets E2E_DAEMON_PORT and E2E_API_PORT (new ones at every start) and
# points the simulator's webhook at the daemon.
e2e_start_daemon() {
  # Only the build tree's plugins (plugin_dirs), never an installed copy.
  # E2E_DAEMON_WRAPPER: a command (and its options) the daemon runs under, e.g. setpriv.
  # shellcheck disable=SC2086 # word splitting of the wrapper's options is meant
  LXDRUNNER_NO_INSTALLED_PLUGINS=1 ${E2E_DAEMON_WRAPPER:-} "$E2E_BIN" run --config "$E2E_WORK/config.yml" \
    >>"$E2E_WORK/daemon.log" 2>&1 &
  E2E_DAEMON_PID=$!
  E2E_DAEMON_PORT=$(daemon_port "$E2E_WORK/state" "$E2E_DAEMON_PID" web_port) ||
    e2e_fail "the daemon did not start (no ports file)"
  E2E_API_PORT=$(daemon_port "$E2E_WORK/state" "$E2E_DAEMON_PID" operator_api_port) ||
    e2e_fail "the daemon's operator API did not start"
  e2e_wait 20 curl -sf -o /dev/null "http://127.0.0.1:$E2E_DAEMON_PORT/healthz" ||
    e2e_fail "the daemon did not start"
  curl -sf -o /dev/null -X POST "$E2E_SIM_URL/_sim/settings" -H 'Content-Type: application/json' \
    -d "{\"webhook_url\":\"http://127.0.0.1:$E2E_DAEMON_PORT/hooks/lxdrunner\",\"webhook_secret\":\"$E2E_HOOKSECRET\"}" ||
    e2e_fail "cannot point the simulator's webhook at the daemon"
}

e2e_stop_daemon() {
  if [ -n "${E2E_DAEMON_PID:-}" ] && kill -0 "$E2E_DAEMON_PID" 2>/dev/null; then
    kill -TERM "$E2E_DAEMON_PID"
    wait "$E2E_DAEMON_PID" 2>/dev/null || true
  fi
  E2E_DAEMON_PID=
}

e2e_kill9_daemon() {
  kill -9 "$E2E_DAEMON_PID" 2>/dev/null || true
  wait "$E2E_DAEMON_PID" 2>/dev/null || true
  E2E_DAEMON_PID=
}

# Queues a job in the simulator (which sends the signed queued webhook); prints its id.
e2e_queue_job() {
  local labels=${1:-$E2E_LABELS} answer
  answer=$(curl -sf -X POST "$E2E_SIM_URL/_sim/jobs" -H 'Content-Type: application/json' \
    -d "{\"repo\":\"$E2E_REPO\",\"labels\":$labels}") || e2e_fail "cannot queue a job"
  echo "$answer" | sed -n 's/.*"job_id": *\([0-9]*\).*/\1/p'
}

# e2e_queue_jobs N [LABELS_JSON]: N jobs from one request, their webhooks back to back (a
# burst as GitHub sends one); prints their ids, one per line.
e2e_queue_jobs() {
  local count=$1 labels=${2:-$E2E_LABELS} answer
  answer=$(curl -sf -X POST "$E2E_SIM_URL/_sim/jobs" -H 'Content-Type: application/json' \
    -d "{\"repo\":\"$E2E_REPO\",\"labels\":$labels,\"count\":$count}") || e2e_fail "cannot queue $count jobs"
  echo "$answer" | sed -n 's/.*"job_ids": *\[\([0-9, ]*\)\].*/\1/p' | tr -s ', ' '\n\n'
}

e2e_job_json() { curl -sf "$E2E_SIM_URL/_sim/jobs/$1"; }
e2e_job_field() { e2e_job_json "$1" | grep -o "\"$2\": *\"[^\"]*\"" | head -n 1 | sed 's/.*: *"\(.*\)"/\1/'; }
e2e_job_completed() { [ "$(e2e_job_field "$1" status)" = completed ]; }

# Registered runners in the repository, by the REST API the daemon uses.
e2e_runner_count() {
  curl -sf -H "Authorization: Bearer $E2E_PAT" \
    "$E2E_SIM_URL/repos/$E2E_REPO/actions/runners" | sed -n 's/.*"total_count": *\([0-9]*\).*/\1/p'
}
e2e_no_runners() { [ "$(e2e_runner_count)" = 0 ]; }

# Waits for job $1 to be served by one of our runners and cleaned up after: completed on
# GitHub, on a runner named for the job, no instance and no registration left, the
# completion recorded; then writes `lxdrunner job $1` to $E2E_WORK/job.txt and sets
# E2E_RUNNER to the runner's name.
e2e_expect_served() {
  local job=$1
  e2e_wait "${E2E_JOB_WAIT:-90}" e2e_job_completed "$job" || e2e_fail "job $job was not completed: $(e2e_job_json "$job")"
  E2E_RUNNER=$(e2e_job_field "$job" runner_name)
  case "$E2E_RUNNER" in "$E2E_PREFIX"-"$job"-*) ;; *) e2e_fail "job $job ran on '$E2E_RUNNER', not on our runner" ;; esac
  e2e_wait 30 e2e_no_instances || e2e_fail "instances left: $(e2e_instances)"
  e2e_wait 30 e2e_no_runners || e2e_fail "runners still registered: $(e2e_runner_count)"
  grep -q "job $job completed (success)" "$E2E_WORK/daemon.log" || e2e_fail "the daemon did not record the completion"
  "$E2E_BIN" job "$job" --config "$E2E_WORK/config.yml" >"$E2E_WORK/job.txt" 2>&1 ||
    e2e_fail "lxdrunner job $job: $(cat "$E2E_WORK/job.txt")"
}

e2e_instances() { lxc list --format csv -c n 2>/dev/null | grep "^$E2E_PREFIX-" || true; }
e2e_no_instances() { [ -z "$(e2e_instances)" ]; }

e2e_cleanup() {
  e2e_stop_daemon
  if [ -n "${E2E_SIM_PID:-}" ]; then kill "$E2E_SIM_PID" 2>/dev/null || true; fi
  for name in $(e2e_instances); do lxc delete -f "$name" >/dev/null 2>&1 || true; done
}

# Secrets must never reach the daemon's log.
e2e_check_no_secrets() {
  if grep -q -e "$E2E_PAT" -e "$E2E_HOOKSECRET" -e "$E2E_API_TOKEN" "$E2E_WORK/daemon.log"; then
    e2e_fail "a secret reached the daemon log"
  fi
  if grep -q "encoded_jit_config\|ACTIONS_RUNNER_INPUT_JITCONFIG=ey" "$E2E_WORK/daemon.log"; then
    e2e_fail "a JIT config reached the daemon log"
  fi
}

# The image provisioner's image: lxdrunner-test with the stand-in runner baked in at
# /opt/actions-runner for user runner (uid 1001). Rebuilt only when the tarball changes.
E2E_RUNNER_IMAGE=lxdrunner-test-runner
e2e_ensure_runner_image() {
  local sum current bake=lxdrt-bake-$$
  sum=$(sha256sum "$E2E_TARBALL" | cut -c1-16)
  current=$(lxc image get-property "$E2E_RUNNER_IMAGE" description 2>/dev/null || true)
  if [ "$current" = "stand-in runner $sum" ]; then return 0; fi
  lxc image delete "$E2E_RUNNER_IMAGE" >/dev/null 2>&1 || true
  lxc launch lxdrunner-test "$bake" >/dev/null || e2e_fail "cannot launch the bake container"
  lxc file push "$E2E_TARBALL" "$bake/tmp/runner.tar.gz" >/dev/null
  lxc exec "$bake" -- sh -c '
    grep -q "^runner:" /etc/passwd || {
      echo "runner:x:1001:1001:runner:/home/runner:/bin/sh" >>/etc/passwd
      echo "runner:x:1001:" >>/etc/group
      mkdir -p /home/runner && chown 1001:1001 /home/runner
    }
    mkdir -p /opt/actions-runner && tar -xzf /tmp/runner.tar.gz -C /opt/actions-runner &&
    chown -R 1001:1001 /opt/actions-runner && rm /tmp/runner.tar.gz' ||
    e2e_fail "cannot bake the runner into the image"
  lxc stop -f "$bake" >/dev/null
  lxc publish "$bake" --alias "$E2E_RUNNER_IMAGE" description="stand-in runner $sum" >/dev/null ||
    e2e_fail "cannot publish $E2E_RUNNER_IMAGE"
  lxc delete -f "$bake" >/dev/null
}

# Phase times of one job from the daemon log.
e2e_phase_times() {
  awk -v job="$1" '
    function ms(ts) { split(ts, a, "T"); split(a[2], t, ":"); return ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 }
    $0 ~ "job " job " queued" && !q { q = ms($1) }
    $0 ~ "launched container .*-" job "-[0-9a-z]+ " && !l { l = ms($1) }
    $0 ~ "runner started for job " job && !r { r = ms($1) }
    $0 ~ "job " job " completed" && !c { c = ms($1) }
    END {
      if (q && l) printf "queued -> instance running %d ms", l - q
      if (q && r) printf ", -> runner started %d ms", r - q
      if (q && c) printf ", -> job completed %d ms", c - q
      printf "\n"
    }' "$E2E_WORK/daemon.log"
}
