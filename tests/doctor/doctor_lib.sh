# SPDX-License-Identifier: Apache-2.0
# Shared by the doctor tests: the GitHub simulator, a configuration, the daemon as the
# webhook's receiver, and assertions on doctor output. Source it after setting
#   DT_BIN (lxdrunner), DT_SIM (github-sim), DT_TARBALL (stand-in runner), DT_WORK (scratch).

DT_PAT=ghp_doctor_test_token_never_printed
DT_SECRET=doctor-hook-secret-never-printed
DT_REPO=octo/doctor
DT_SIM_PID= DT_DAEMON_PID=
# Only the build tree's plugins: never an installed copy (cmake --install, the package).
export LXDRUNNER_NO_INSTALLED_PLUGINS=1

dt_fail() {
  echo "FAIL: $*" >&2
  for f in "$DT_WORK"/out "$DT_WORK"/daemon.log; do
    if [ -f "$f" ]; then
      echo "--- $f:" >&2
      tail -n 40 "$f" >&2
    fi
  done
  exit 1
}

. "$(dirname "${BASH_SOURCE[0]}")/../lib/daemon_ports.sh"

dt_cleanup() {
  dt_stop_daemon
  if [ -n "$DT_SIM_PID" ]; then
    kill "$DT_SIM_PID" 2>/dev/null
    wait "$DT_SIM_PID" 2>/dev/null
  fi
  rm -rf "$DT_WORK"
}

# Starts github-sim serving the stand-in runner as the runner download; sets DT_SIM_URL.
# Extra arguments go to github-sim.
dt_start_sim() {
  mkdir -p "$DT_WORK"
  "$DT_SIM" --port 0 --pat "$DT_PAT" --download "linux,x64,$DT_TARBALL" "$@" \
    >"$DT_WORK/sim.out" 2>"$DT_WORK/sim.err" &
  DT_SIM_PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$DT_WORK/sim.out" && break; sleep 0.1; done
  DT_SIM_URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$DT_WORK/sim.out" | head -n 1)
  [ -n "$DT_SIM_URL" ] || dt_fail "github-sim did not start: $(cat "$DT_WORK/sim.err")"
}

# Writes $DT_WORK/$1. $2: credentials YAML (default: the PAT); $3: the runnermap entry's
# backend-specific YAML (indented 4 spaces); $4: plugin directories (a YAML list's items).
dt_write_config() {
  local file=$1 credentials=${2:-"pat: $DT_PAT"} entry=$3 dirs=$4
  cat >"$DT_WORK/$file" <<YAML
$credentials
hooksecret: ${DT_HOOKSECRET:-$DT_SECRET}
github_api_url: $DT_SIM_URL
prefix: lxdrt-doctor
web_host: 127.0.0.1
web_port: 0
web_tls: false
plugin_dirs: [ $dirs ]
state_dir: $DT_WORK/state
runner_cache_dir: $DT_WORK/runner-cache
dispatcher:
  runner_downloads_scope: $DT_REPO
event_sources:
  webhook: {}
  poll:
    repositories: [ $DT_REPO ]
    interval: 60
runnermap:
  - name: doctor
    labels: [ self-hosted, linux, doctor ]
    runner_os: linux
    runner_arch: x64
    type: container
$entry
YAML
}

# Runs the daemon with config $1 until its health endpoint answers. It receives the
# webhook's deliveries and fills the runner cache from the simulator. Its port is 0 (no test
# can take it first): sets DT_PORT from the ports file, and DT_HOOK_URL.
dt_start_daemon() {
  "$DT_BIN" run --config "$DT_WORK/$1" >>"$DT_WORK/daemon.log" 2>&1 &
  DT_DAEMON_PID=$!
  DT_PORT=$(daemon_port "$DT_WORK/state" "$DT_DAEMON_PID" web_port) ||
    dt_fail "the daemon did not start (no ports file)"
  DT_HOOK_URL="http://localhost:$DT_PORT/hooks/lxdrunner"
  for _ in $(seq 200); do
    curl -sf -o /dev/null "http://127.0.0.1:$DT_PORT/healthz" && return 0
    sleep 0.1
  done
  dt_fail "the daemon did not start"
}

dt_stop_daemon() {
  if [ -n "$DT_DAEMON_PID" ]; then
    kill -TERM "$DT_DAEMON_PID" 2>/dev/null
    wait "$DT_DAEMON_PID" 2>/dev/null
  fi
  DT_DAEMON_PID=
}

# Waits until the runner cache holds linux/x64 (the daemon downloads it at start).
dt_wait_runner_cache() {
  for _ in $(seq 200); do
    [ -L "$DT_WORK/runner-cache/linux-x64/current" ] && return 0
    sleep 0.1
  done
  dt_fail "the daemon did not fill the runner cache"
}

# Runs lxdrunner with the arguments; output in $DT_WORK/out, exit status in DT_RC.
dt_run() {
  "$DT_BIN" "$@" >"$DT_WORK/out" 2>&1
  DT_RC=$?
  if grep -q -e "$DT_PAT" -e "$DT_SECRET" "$DT_WORK/out"; then dt_fail "a secret was printed"; fi
}

dt_expect_rc() { [ "$DT_RC" = "$1" ] || dt_fail "exit status $DT_RC, expected $1"; }
dt_expect_line() { grep -q -E -- "$1" "$DT_WORK/out" || dt_fail "no line matching: $1"; }
dt_expect_no_line() { ! grep -q -E -- "$1" "$DT_WORK/out" || dt_fail "unexpected line matching: $1"; }

# The repository's hooks, as the simulator's REST API lists them.
dt_hooks() { curl -sf -H "Authorization: Bearer $DT_PAT" "$DT_SIM_URL/repos/$DT_REPO/hooks"; }
dt_hook_count() { dt_hooks | grep -o '"id": *[0-9]*' | wc -l; }

dt_ping_and_flush() {
  curl -sf -X POST "$DT_SIM_URL/_sim/webhooks/ping" -H 'Content-Type: application/json' \
    -d "{\"hook_id\":$1}" >/dev/null || dt_fail "cannot ping hook $1"
  curl -sf -X POST "$DT_SIM_URL/_sim/webhooks/flush" -H 'Content-Type: application/json' \
    -d '{}' >/dev/null || dt_fail "webhooks not flushed"
}

# The HTTP status the newest delivery of hook $1 got.
dt_last_delivery_code() {
  curl -sf -H "Authorization: Bearer $DT_PAT" \
    "$DT_SIM_URL/repos/$DT_REPO/hooks/$1/deliveries?per_page=1" |
    grep -o '"status_code": *[0-9]*' | head -n 1 | grep -o '[0-9]*$'
}
