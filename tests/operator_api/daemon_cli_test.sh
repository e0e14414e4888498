#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# daemon_cli_test.sh LXDRUNNER_BINARY SOURCE_DIR TEST_PLUGIN_DIR
# Starts the daemon with the loader-test plugins (no LXD, no GitHub) and the operator API on,
# then checks /metrics, /readyz, the API's 401 and the operator commands against it.
set -uo pipefail
bin=$1 src=$2 plugins=$3
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work" || exit 1
export XDG_CONFIG_HOME="$work/xdg" LXDRUNNER_PLUGIN_PATH="" LXDRUNNER_NO_INSTALLED_PLUGINS=1
unset LXDRUNNER_CONFIG

. "$src/tests/lib/daemon_ports.sh"
fail() { echo "FAIL: $*"; for f in out err daemon.err; do echo "--- $f:"; cat "$f" 2>/dev/null; done; exit 1; }
expect_in() { grep -qF -- "$2" "$1" || fail "'$2' not in $1"; }
job=9007199254740993
token=ops_api_token_for_tests_0123456789
# Both listeners on port 0: the system picks free ports, read back from state/ports.
write_config() {
  sed -e "s|@PLUGIN_DIR@|$plugins|" -e "s|@STATE_DIR@|$work/state|" -e "s|@PORT@|0|" \
    -e "s|@API_PORT@|0|" -e "s|@API_ENABLED@|$1|" \
    "$src/tests/operator_api/data/ops-daemon.yml.in" >config.yml
}

# The API off, then on but the daemon not running: one clear line each.
write_config false
"$bin" status >out 2>err && fail "status succeeded with the API off"
expect_in err "the operator API is off: set operator_api.enabled: true and a token"
write_config true
"$bin" status >out 2>err && fail "status succeeded with no daemon"
expect_in err "the daemon is not running: operator_api.port is 0 and $work/state/ports names no operator API port"

"$bin" >daemon.out 2>daemon.err &
pid=$!
port=$(daemon_port "$work/state" "$pid" web_port) || fail "the daemon wrote no ports file"
api_port=$(daemon_port "$work/state" "$pid" operator_api_port) || fail "no operator API port"
for _ in $(seq 150); do grep -q "runner started for job $job" daemon.err && break; sleep 0.1; done
expect_in daemon.err "runner started for job $job"
expect_in daemon.err "operator API listening on http://127.0.0.1:$api_port/api/v1"

curl -s "http://127.0.0.1:$port/metrics" >out || fail "/metrics did not answer"
for series in 'lxdrunner_jobs{state="running"} 1' 'lxdrunner_queue_length{entry="Test Runner"} 0' \
  'lxdrunner_instances{backend="test-backend",remote="main"} 1' \
  'lxdrunner_job_phase_seconds_bucket{phase="queued_to_finished",le="+Inf"} 0' \
  '# TYPE lxdrunner_job_phase_seconds histogram' 'lxdrunner_github_api_calls_total ' \
  'lxdrunner_dispatcher_launches_succeeded_total 1' 'lxdrunner_errors_total{kind="launch_failure"} 0' \
  'lxdrunner_job_events_total{result="handled"} 1' 'lxdrunner_http_requests_total '; do
  expect_in out "$series"
done
code=$(curl -s -o out -w '%{http_code}' "http://127.0.0.1:$port/readyz")
[ "$code" = 503 ] || fail "/readyz answered $code, expected 503 (GitHub is unreachable)"
expect_in out "job_store ok"
expect_in out "github fail: "

code=$(curl -s -o out -w '%{http_code}' "http://127.0.0.1:$api_port/api/v1/status")
[ "$code" = 401 ] || fail "the API answered $code without a token"
expect_in out '"error":'
code=$(curl -s -o out -w '%{http_code}' -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$api_port/api/v1/status")
[ "$code" = 200 ] || fail "the API answered $code with the token"

"$bin" status >out 2>err || fail "status failed"
expect_in out "Test Runner  0       1      10   -     no"
"$bin" jobs >out 2>err || fail "jobs failed"
expect_in out "$job  running  Test Runner  octo/repo"
"$bin" jobs --state running --json >out 2>err || fail "jobs --json failed"
expect_in out "\"job_id\":$job"
"$bin" job "$job" >out 2>err || fail "job $job failed"
expect_in out "phase history:"
for phase in queued launching provisioning running; do grep -qE "^$phase +20[0-9-]+T" out || fail "no $phase row"; done
expect_in out "hello job $job"
"$bin" instances >out 2>err || fail "instances failed"
expect_in out "lxdrunner-$job-1"
"$bin" drain "Test Runner" >out 2>err || fail "drain failed"
expect_in out "entry 'Test Runner' drained"
"$bin" status >out 2>err || fail "status failed"
expect_in out "Test Runner  0       1      10   -     yes"
"$bin" resume "Test Runner" >out 2>err || fail "resume failed"

# An operator who can read the API token but not the webhook secret (here: a file that is
# not there) still gets the daemon's status: the commands read operator_api and state_dir only.
{ cat config.yml; echo "hooksecret: {file: $work/no-such-hooksecret}"; } >unreadable.yml
"$bin" check-config --config unreadable.yml >out 2>err && fail "check-config accepted a missing secret file"
expect_in err "cannot read secret file '$work/no-such-hooksecret'"
"$bin" status --config unreadable.yml >out 2>err || fail "status needed the webhook secret"
expect_in out "Test Runner  0       1      10   -     no"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
[ "$rc" = 0 ] || fail "the daemon exited with $rc"
if grep -q "$token" daemon.err daemon.out; then fail "the API token reached the log"; fi
echo "ok"
