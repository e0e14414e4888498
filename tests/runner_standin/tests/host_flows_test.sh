#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2015,SC2016 # "A && B || fail" is meant; single quotes expand in the runner or guest
# host_flows_test.sh TARBALL GITHUB_SIM
# The stand-in runner on the host against github-sim: the tarball as served by the downloads
# endpoint (checksum), the JIT path (env var and --jitconfig, single use, failure conclusion,
# idle limit, SIGTERM), the config.sh path (registration token, RUNNER_STATE_DIR, remove) and
# the same JIT path through busybox wget instead of curl.
set -uo pipefail
tarball=$1 sim=$2
WORK=$(mktemp -d)
cleanup() {
  stop_sim
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=standin_test_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/standin_test_lib.sh"
[ -f "$tarball" ] || fail "no $tarball: build the runner_standin_tarball target first"

start_sim "$sim" --download "linux,x64,$tarball"
repo=octo/hello

# --- the downloads endpoint serves the tarball with its checksum
mkdir -p "$WORK/flatten" && tar -xzf "$tarball" -C "$WORK/flatten" bin/json-flatten.awk
FLATTEN_AWK=$WORK/flatten/bin/json-flatten.awk
downloads=$(rest GET "/repos/$repo/actions/runners/downloads" | flat)
url=$(printf '%s\n' "$downloads" | field 0.download_url)
sum=$(printf '%s\n' "$downloads" | field 0.sha256_checksum)
[ "$(printf '%s\n' "$downloads" | field 0.filename)" = "$(basename "$tarball")" ] || fail "downloads lists another file: $downloads"
curl -sSf -o "$WORK/runner.tar.gz" "$url" || fail "cannot download $url"
[ "$(sha256sum <"$WORK/runner.tar.gz" | cut -d' ' -f1)" = "$sum" ] || fail "downloaded bytes do not match sha256_checksum"
[ "$(cut -d' ' -f1 "$tarball.sha256")" = "$sum" ] || fail "$tarball.sha256 does not match sha256_checksum"
echo "ok: downloads endpoint serves the tarball, sha256 $sum"

unpack() { # unpack DIR: a fresh runner from the downloaded tarball
  mkdir -p "$1" && tar -xzf "$WORK/runner.tar.gz" -C "$1" || fail "cannot unpack into $1"
  [ -x "$1/config.sh" ] && [ -x "$1/run.sh" ] && [ -x "$1/bin/Runner.Listener" ] || fail "tarball layout is wrong"
}

# --- JIT config through ACTIONS_RUNNER_INPUT_JITCONFIG, one job, ephemeral runner removed
unpack "$WORK/jit"
jit=$(new_jit_config "$repo" standin-jit '["self-hosted","linux"]')
job=$(queue_job "$repo" '["self-hosted","linux"]')
# An input the runner does not know must not reach the job either (the real one drops all).
ACTIONS_RUNNER_INPUT_JITCONFIG=$jit ACTIONS_RUNNER_INPUT_NOT_AN_OPTION=x STANDIN_MAX_IDLE_SECONDS=30 \
  STANDIN_JOB_SECONDS=1 STANDIN_JOB_COMMAND='echo "$RUNNER_NAME" >marker; env >env.txt' \
  "$WORK/jit/run.sh" >"$WORK/jit.log" 2>&1
rc=$?
[ $rc = 0 ] || fail "run.sh with a JIT config exited $rc"
for line in "√ Connected to GitHub" "Listening for Jobs" "Running job: build" "Job build completed with result: Succeeded"; do
  expect_in "$WORK/jit.log" "$line"
done
expect_job_done "$job" standin-jit success
[ "$(runner_count "$repo" standin-jit)" = 0 ] || fail "the ephemeral runner is still registered"
[ "$(cat "$WORK/jit/_work/hello/hello/marker")" = standin-jit ] || fail "the job command did not run in the workspace"
if grep -q ACTIONS_RUNNER_INPUT "$WORK/jit/_work/hello/hello/env.txt"; then fail "the job saw ACTIONS_RUNNER_INPUT_*"; fi
if grep -rqF "$jit" "$WORK/jit.log" "$WORK/jit/_diag"; then fail "the JIT config reached a log"; fi
echo "ok: JIT runner ran job $job and was removed"

# --- the same JIT config again: refused, non-zero, clear message
"$WORK/jit/run.sh" --jitconfig "$jit" >"$WORK/jit-again.log" 2>&1
rc=$?
[ $rc = 1 ] || fail "reusing a JIT config exited $rc, not 1"
expect_in "$WORK/jit-again.log" "the JIT config was rejected (401)"
echo "ok: a JIT config whose runner is gone is refused"

# --- idle limit: no job for 2 s -> exit 0, runner offline; then the used config is refused (409)
unpack "$WORK/idle"
jit=$(new_jit_config "$repo" standin-idle '["self-hosted","nothing-queued"]')
STANDIN_MAX_IDLE_SECONDS=2 "$WORK/idle/run.sh" --jitconfig "$jit" >"$WORK/idle.log" 2>&1
rc=$?
[ $rc = 0 ] || fail "an idle runner exited $rc, not 0"
expect_in "$WORK/idle.log" "No job for 2 seconds"
[ "$(runner_status "$repo" standin-idle)" = offline ] || fail "the idle runner is not offline"
ACTIONS_RUNNER_INPUT_JITCONFIG=$jit "$WORK/idle/run.sh" >"$WORK/idle-again.log" 2>&1
rc=$?
[ $rc = 1 ] || fail "a used JIT config exited $rc, not 1"
expect_in "$WORK/idle-again.log" "this JIT config has already been used (409)"
echo "ok: idle limit stops the runner; a used JIT config is refused"

# --- failing job: STANDIN_JOB_EXIT -> conclusion failure, runner still exits 0
unpack "$WORK/fail"
jit=$(new_jit_config "$repo" standin-fail '["self-hosted","failing"]')
job=$(queue_job "$repo" '["self-hosted","failing"]')
ACTIONS_RUNNER_INPUT_JITCONFIG=$jit STANDIN_JOB_EXIT=3 "$WORK/fail/run.sh" >"$WORK/fail.log" 2>&1
rc=$?
[ $rc = 0 ] || fail "run.sh after a failed job exited $rc"
expect_in "$WORK/fail.log" "Job build completed with result: Failed"
expect_job_done "$job" standin-fail failure
echo "ok: STANDIN_JOB_EXIT makes the job fail"

# --- SIGTERM while listening: stops at once (not after the 50 s long poll), exit 0, offline
unpack "$WORK/term"
jit=$(new_jit_config "$repo" standin-term '["self-hosted","never"]')
ACTIONS_RUNNER_INPUT_JITCONFIG=$jit "$WORK/term/run.sh" >"$WORK/term.log" 2>&1 &
runner_pid=$!
for _ in $(seq 50); do grep -q "Listening for Jobs" "$WORK/term.log" && break; sleep 0.1; done
# One TERM a second: bash (the stand-in) can miss a trapped signal that arrives at the very
# moment its `wait` starts to block, and would then sit out the 50 s long poll; a second
# signal is always handled. The real runner has no such window. Still "at once": 10 s, not 50.
for i in $(seq 100); do
  [ $((i % 10)) = 1 ] && kill -TERM "$runner_pid" 2>/dev/null
  kill -0 "$runner_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$runner_pid" 2>/dev/null; then kill -KILL "$runner_pid"; fail "run.sh ignored SIGTERM for 10 s"; fi
wait "$runner_pid"
rc=$?
[ $rc = 0 ] || fail "run.sh stopped by SIGTERM exited $rc"
[ "$(runner_status "$repo" standin-term)" = offline ] || fail "the stopped runner is not offline"
echo "ok: SIGTERM stops a listening runner"

# --- config.sh with a registration token; state in RUNNER_STATE_DIR, runner root untouched
unpack "$WORK/cfg"
before=$(cd "$WORK/cfg" && find . | sort)
token=$(runner_token "$repo" registration)
env -u RUNNER_ALLOW_RUNASROOT "$WORK/cfg/config.sh" --unattended --url "$SIM_URL/$repo" --token "$token" \
  --name standin-cfg --labels gpu >"$WORK/cfg-root.log" 2>&1
rc=$?
if [ "$(id -u)" = 0 ]; then
  [ $rc = 1 ] || fail "config.sh as root without RUNNER_ALLOW_RUNASROOT exited $rc"
  expect_in "$WORK/cfg-root.log" "Must not run with sudo"
fi
export RUNNER_ALLOW_RUNASROOT=1
# The argument wins over ACTIONS_RUNNER_INPUT_TOKEN, as with the real runner.
ACTIONS_RUNNER_INPUT_TOKEN=not-this-one RUNNER_STATE_DIR=$WORK/cfg-state "$WORK/cfg/config.sh" \
  --unattended --url "$SIM_URL/$repo" --token "$token" \
  --name standin-cfg --labels gpu,linux --ephemeral --work w --runnergroup Default --disableupdate \
  >"$WORK/cfg.log" 2>&1 || fail "config.sh failed"
expect_in "$WORK/cfg.log" "√ Runner successfully added"
expect_in "$WORK/cfg.log" "√ Settings Saved."
[ -f "$WORK/cfg-state/.runner" ] && [ -f "$WORK/cfg-state/.credentials" ] || fail "no .runner/.credentials in RUNNER_STATE_DIR"
if grep -rqF "$token" "$WORK/cfg.log" "$WORK/cfg-state"; then fail "the registration token was written down"; fi
RUNNER_STATE_DIR=$WORK/cfg-state "$WORK/cfg/config.sh" --unattended --url "$SIM_URL/$repo" --token "$token" \
  --name standin-cfg >"$WORK/cfg-twice.log" 2>&1 && fail "config.sh configured a configured runner"
expect_in "$WORK/cfg-twice.log" "already configured"
job=$(queue_job "$repo" '["self-hosted","gpu"]')
RUNNER_STATE_DIR=$WORK/cfg-state STANDIN_MAX_IDLE_SECONDS=30 "$WORK/cfg/run.sh" >"$WORK/cfg-run.log" 2>&1 ||
  fail "run.sh of a configured runner failed"
expect_job_done "$job" standin-cfg success
[ "$(runner_count "$repo" standin-cfg)" = 0 ] || fail "the ephemeral configured runner is still registered"
[ -d "$WORK/cfg-state/w/hello/hello" ] || fail "the work folder is not under RUNNER_STATE_DIR"
[ "$(cd "$WORK/cfg" && find . | sort)" = "$before" ] || fail "the runner root was written to"
echo "ok: config.sh + run.sh ran job $job with state in RUNNER_STATE_DIR"

# --- a persistent runner (inputs from ACTIONS_RUNNER_INPUT_*): run.sh --once, restart, remove
unpack "$WORK/keep"
# Values are trimmed, as the real runner trims them.
ACTIONS_RUNNER_INPUT_URL=$SIM_URL/$repo ACTIONS_RUNNER_INPUT_TOKEN=" $(runner_token "$repo" registration) " \
  ACTIONS_RUNNER_INPUT_NAME=standin-keep ACTIONS_RUNNER_INPUT_LABELS=keep ACTIONS_RUNNER_INPUT_UNATTENDED=true \
  "$WORK/keep/config.sh" >"$WORK/keep.log" 2>&1 || fail "config.sh from ACTIONS_RUNNER_INPUT_* failed"
job=$(queue_job "$repo" '["keep"]')
STANDIN_MAX_IDLE_SECONDS=30 "$WORK/keep/run.sh" --once >"$WORK/keep-run.log" 2>&1 || fail "run.sh --once failed"
expect_job_done "$job" standin-keep success
[ "$(runner_status "$repo" standin-keep)" = online ] || fail "the persistent runner is not registered and online"
STANDIN_MAX_IDLE_SECONDS=1 "$WORK/keep/run.sh" >"$WORK/keep-idle.log" 2>&1 || fail "restarting the configured runner failed"
[ "$(runner_status "$repo" standin-keep)" = offline ] || fail "the stopped persistent runner is not offline"
"$WORK/keep/config.sh" remove --token wrong-token >"$WORK/keep-remove-bad.log" 2>&1 && fail "remove accepted a bad token"
expect_in "$WORK/keep-remove-bad.log" "remove token was rejected (401)"
"$WORK/keep/config.sh" remove --token "$(runner_token "$repo" remove)" >"$WORK/keep-remove.log" 2>&1 ||
  fail "config.sh remove failed"
expect_in "$WORK/keep-remove.log" "√ Runner removed successfully"
[ "$(runner_count "$repo" standin-keep)" = 0 ] || fail "config.sh remove left the runner registered"
[ ! -e "$WORK/keep/.runner" ] && [ ! -e "$WORK/keep/.credentials" ] || fail "config.sh remove left .runner/.credentials"
"$WORK/keep/run.sh" >"$WORK/keep-unconfigured.log" 2>&1
[ $? = 1 ] || fail "run.sh without configuration did not exit 1"
expect_in "$WORK/keep-unconfigured.log" "Not configured"
echo "ok: persistent runner: --once, restart, remove"

# --- busybox wget instead of curl (the minimal guest's only HTTP client); long poll with 204s
busybox wget --help >/dev/null 2>&1 || fail "busybox with wget is needed (apt-get install busybox-static)"
unpack "$WORK/wget"
jit=$(new_jit_config "$repo" standin-wget '["self-hosted","wget"]')
ACTIONS_RUNNER_INPUT_JITCONFIG=$jit STANDIN_HTTP=wget STANDIN_POLL_SECONDS=1 STANDIN_MAX_IDLE_SECONDS=30 \
  "$WORK/wget/run.sh" >"$WORK/wget.log" 2>&1 &
runner_pid=$!
sleep 2.5 # a few empty (204) polls first
job=$(queue_job "$repo" '["self-hosted","wget"]')
wait "$runner_pid"
rc=$?
[ $rc = 0 ] || fail "run.sh over busybox wget exited $rc"
grep -q "http busybox wget" "$WORK"/wget/_diag/Runner_*.log || fail "busybox wget was not the HTTP client"
expect_job_done "$job" standin-wget success
[ "$(runner_count "$repo" standin-wget)" = 0 ] || fail "the ephemeral runner (wget) is still registered"
STANDIN_HTTP=wget "$WORK/wget/run.sh" --jitconfig "$jit" >"$WORK/wget-again.log" 2>&1
[ $? = 1 ] || fail "reusing a JIT config over wget did not exit 1"
expect_in "$WORK/wget-again.log" "the JIT config was rejected (401)"
echo "ok: busybox wget path ran job $job"

# --- the simulator gone: a retryable error, exit 2
stop_sim
unpack "$WORK/down"
"$WORK/down/run.sh" --jitconfig "$jit" >"$WORK/down.log" 2>&1
rc=$?
[ $rc = 2 ] || fail "run.sh with the server down exited $rc, not 2"
expect_in "$WORK/down.log" "cannot reach GitHub"
echo "ok: unreachable server exits 2"
echo "PASS"
