#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2015,SC2016 # "A && B || fail" is meant; single quotes expand in the runner or guest
# lxd_jit_test.sh TARBALL GITHUB_SIM LXD_TEST_ENV_SCRIPT
# The JIT flow inside a real lxdrt- container of the lxdrunner-test image (busybox + bash, no
# curl, no network but loopback): the simulator is reached through an LXD proxy device, the
# tarball is unpacked read-only for the runner user (as a disk-mount provisioner would leave
# it) with its state in RUNNER_STATE_DIR, and the JIT config goes in through
# ACTIONS_RUNNER_INPUT_JITCONFIG read from a private file, never a command line.
set -uo pipefail
tarball=$1 sim=$2 lxd_env=$3
WORK=$(mktemp -d)
instance=lxdrt-standin-$$-$RANDOM
cleanup() {
  lxc delete --force "$instance" >/dev/null 2>&1
  stop_sim
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=standin_test_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/standin_test_lib.sh"
[ -f "$tarball" ] || fail "no $tarball: build the runner_standin_tarball target first"
mkdir -p "$WORK/flatten" && tar -xzf "$tarball" -C "$WORK/flatten" bin/json-flatten.awk
FLATTEN_AWK=$WORK/flatten/bin/json-flatten.awk

bash "$lxd_env" ensure >"$WORK/lxd-env.log" 2>&1 || fail "LXD test environment not ready: $(tail -n 3 "$WORK/lxd-env.log")"

start_sim "$sim"
port=${SIM_URL##*:}
repo=octo/hello

in_guest() { lxc exec "$instance" -- "$@"; }
lxc launch lxdrunner-test "$instance" >"$WORK/launch.log" 2>&1 || fail "cannot launch $instance"
lxc config device add "$instance" sim proxy "listen=tcp:127.0.0.1:$port" "connect=tcp:127.0.0.1:$port" \
  bind=instance >/dev/null || fail "cannot add the proxy device"

# The runner user (the image has no adduser) and a root-owned runner directory it cannot write.
in_guest sh -c 'echo "runner:x:1000:1000:runner:/home/runner:/bin/sh" >>/etc/passwd &&
  echo "runner:x:1000:" >>/etc/group && mkdir -p /home/runner /opt/actions-runner &&
  chown 1000:1000 /home/runner' || fail "cannot create the runner user"
lxc file push "$tarball" "$instance/tmp/runner.tar.gz" >/dev/null || fail "cannot push the tarball"
in_guest tar -xzf /tmp/runner.tar.gz -C /opt/actions-runner || fail "cannot unpack the tarball in the guest"
if in_guest sh -c 'command -v curl' >/dev/null; then fail "the test image has curl: the wget path is not tested"; fi

jit=$(new_jit_config "$repo" "$instance" '["self-hosted","linux","lxd"]')
job=$(queue_job "$repo" '["self-hosted","lxd"]')
(umask 077 && printf '%s' "$jit" >"$WORK/jit")
lxc file push --uid 1000 --gid 1000 --mode 0600 "$WORK/jit" "$instance/home/runner/.jitconfig" >/dev/null ||
  fail "cannot push the JIT config"

lxc exec "$instance" --user 1000 --group 1000 --cwd /home/runner --env HOME=/home/runner \
  --env RUNNER_STATE_DIR=/home/runner/state --env STANDIN_MAX_IDLE_SECONDS=60 \
  --env 'STANDIN_JOB_COMMAND=id -u >uid; pwd >pwd' -- \
  bash -c 'ACTIONS_RUNNER_INPUT_JITCONFIG=$(cat .jitconfig) && rm -f .jitconfig &&
    export ACTIONS_RUNNER_INPUT_JITCONFIG && exec /opt/actions-runner/run.sh' >"$WORK/run.log" 2>&1
rc=$?
[ $rc = 0 ] || fail "run.sh in $instance exited $rc"
for line in "√ Connected to GitHub" "Listening for Jobs" "Running job: build" "Job build completed with result: Succeeded"; do
  expect_in "$WORK/run.log" "$line"
done
expect_job_done "$job" "$instance" success
[ "$(runner_count "$repo" "$instance")" = 0 ] || fail "the ephemeral runner is still registered"
[ "$(in_guest cat /home/runner/state/_work/hello/hello/uid)" = 1000 ] || fail "the job did not run as the runner user"
in_guest sh -c 'grep -q "http busybox wget" /home/runner/state/_diag/Runner_*.log' || fail "the guest did not use busybox wget"
[ -z "$(in_guest sh -c 'ls -A /opt/actions-runner | grep "^[._]"')" ] || fail "the runner wrote into its root"
echo "ok: job $job ran in $instance as uid 1000 over busybox wget and the proxy device"

lxc file push --uid 1000 --gid 1000 --mode 0600 "$WORK/jit" "$instance/home/runner/.jitconfig" >/dev/null
lxc exec "$instance" --user 1000 --group 1000 --cwd /home/runner --env HOME=/home/runner \
  --env RUNNER_STATE_DIR=/home/runner/state -- \
  bash -c 'ACTIONS_RUNNER_INPUT_JITCONFIG=$(cat .jitconfig) exec /opt/actions-runner/run.sh' >"$WORK/again.log" 2>&1
rc=$?
[ $rc = 1 ] || fail "reusing the JIT config in the guest exited $rc, not 1"
expect_in "$WORK/again.log" "the JIT config was rejected (401)"
echo "ok: the used JIT config is refused in the guest"
echo PASS
