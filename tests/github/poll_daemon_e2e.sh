#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# poll_daemon_e2e.sh LXDRUNNER GITHUB_SIM PLUGIN_DIR TEST_PLUGIN_DIR
# The whole recovery path with no webhook: a job queued on the simulator (whose webhook
# goes nowhere) is found by the daemon's poll source through the core's GitHub client and
# the github_request host service, and reaches the daemon's inbox exactly once.
set -uo pipefail
bin=$1 sim=$2 plugins=$3 test_plugins=$4
work=$(mktemp -d)
sim_pid= daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- daemon log:"; cat "$work/daemon.log"; exit 1; }
. "$(dirname "$0")/../lib/daemon_ports.sh"

"$sim" --port 0 --pat ghp_poll_e2e >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/sim.out" && break; sleep 0.1; done
sim_url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$work/sim.out" | head -n 1)
[ -n "$sim_url" ] || fail "the simulator did not start: $(cat "$work/sim.err")"

cat >"$work/config.yml" <<YAML
pat: ghp_poll_e2e
github_api_url: $sim_url
web_host: 127.0.0.1
web_port: 0
web_tls: false
plugin_dirs: [ "$plugins", "$test_plugins" ]
state_dir: $work/state
event_sources:
  poll:
    repositories: [ octo/hello ]
    interval: 5
runnermap:
  - name: Test Runner
    labels: [ self-hosted, linux ]
    image: lxdrunner-test
    type: container
    runner_arch: x64
    runner_os: linux
    backend: test-backend
    provisioner: test-provisioner
YAML
cd "$work" || exit 1
LXDRUNNER_NO_INSTALLED_PLUGINS=1 "$bin" --config "$work/config.yml" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
daemon_port "$work/state" "$daemon_pid" web_port >/dev/null || fail "the daemon did not start"
# The start-up scan covers the poll source's repositories too: queue the job once it is
# over, so only the poll source can find it.
for _ in $(seq 150); do grep -q "found queued on GitHub" "$work/daemon.log" && break; sleep 0.1; done
grep -q "recovery: .* 0 found queued on GitHub" "$work/daemon.log" || fail "the start-up scan did not end"
job=$(curl -sf -X POST "$sim_url/_sim/jobs" -H 'Content-Type: application/json' \
  -d '{"repo":"octo/hello","labels":["self-hosted","linux"]}') || fail "cannot queue a job"
job_id=$(echo "$job" | sed -n 's/.*"job_id": *\([0-9]*\).*/\1/p')
[ -n "$job_id" ] || fail "no job id in $job"
for _ in $(seq 150); do grep -q "job $job_id queued" "$work/daemon.log" && break; sleep 0.1; done
grep -q "job $job_id queued in octo/hello for entry 'Test Runner' (from poll)" "$work/daemon.log" \
  || fail "the polled job did not reach the inbox"
sleep 6  # one more polling round: the same job must not come again
[ "$(grep -c "job $job_id queued" "$work/daemon.log")" = 1 ] || fail "the job was queued twice"
if grep -q ghp_poll_e2e "$work/daemon.log"; then fail "the PAT reached the log"; fi
echo "ok: job $job_id polled from the simulator and queued once"
