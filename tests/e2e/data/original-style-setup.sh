#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A setup script written to the original lxdrunner's contract, as its users wrote them: it
# knows nothing of lxdrunner's LXDRUNNER_* variables. The contract: /opt/runner/setupvars.conf
# (GHA_TOKEN, a registration token; GHA_URL; GHA_NAME; GHA_EXTRA_LABELS), the runner package at
# /opt/runner/actions-runner.tgz, root to run as. Used by original_contract_e2e.sh.
set -eu
exec 2>&1

VARS=/opt/runner/setupvars.conf
PACKAGE=/opt/runner/actions-runner.tgz
RUNNER_USER=runner
RUNNER_HOME=/home/$RUNNER_USER

fail() {
  echo "original-style setup: $*"
  exit 1
}

[ -f "$VARS" ] || fail "$VARS is missing"
# shellcheck disable=SC1090 # the contract's file, written by lxdrunner
. "$VARS"
missing=""
for var in GHA_TOKEN GHA_URL GHA_NAME; do
  [ -n "${!var:-}" ] || missing="$missing $var"
done
[ -z "$missing" ] || fail "not set in $VARS:$missing"
# What the e2e test checks in the job log; never the token itself.
echo "setupvars.conf mode $(stat -c %a "$VARS"), GHA_TOKEN of ${#GHA_TOKEN} characters"
echo "GHA_URL=$GHA_URL GHA_NAME=$GHA_NAME GHA_EXTRA_LABELS=${GHA_EXTRA_LABELS:-}"

# The user: Debian's tools where there are any; the 2 MB test image has none, so there the
# account files are written by hand.
if ! id "$RUNNER_USER" >/dev/null 2>&1; then
  if command -v useradd >/dev/null 2>&1; then
    useradd -m -s /bin/bash "$RUNNER_USER"
  elif command -v adduser >/dev/null 2>&1 && adduser --help 2>&1 | grep -q -- --disabled-password; then
    adduser --disabled-password --gecos "" "$RUNNER_USER"
  else
    echo "$RUNNER_USER:x:1001:1001:$RUNNER_USER:$RUNNER_HOME:/bin/bash" >>/etc/passwd
    echo "$RUNNER_USER:x:1001:" >>/etc/group
    [ ! -f /etc/shadow ] || echo "$RUNNER_USER:!:1::::::" >>/etc/shadow
    mkdir -p "$RUNNER_HOME"
    chown 1001:1001 "$RUNNER_HOME"
  fi
fi
[ -d "$RUNNER_HOME" ] || fail "$RUNNER_HOME was not created"
echo "user $RUNNER_USER (uid $(id -u "$RUNNER_USER"))"

# One command line as the runner user (as root, su asks for no password; busybox su takes
# options out of trailing arguments, hence one string).
as_runner() {
  local line="cd $RUNNER_HOME &&"
  for arg in "$@"; do line+=" $(printf '%q' "$arg")"; done
  su -s /bin/bash "$RUNNER_USER" -c "$line"
}

# The contract promises the runner user passwordless sudo where the image has sudo; root may
# list another user's sudo rights.
if command -v sudo >/dev/null 2>&1; then
  sudo -n -l -U "$RUNNER_USER" | grep -q "NOPASSWD: ALL" || fail "$RUNNER_USER has no passwordless sudo"
  echo "$RUNNER_USER has passwordless sudo"
else
  echo "no sudo in this image"
fi

[ -f "$PACKAGE" ] || fail "$PACKAGE is missing"
as_runner tar -xzf "$PACKAGE" -C "$RUNNER_HOME" || fail "unpacking $PACKAGE failed"
as_runner ./config.sh --unattended --url "$GHA_URL" --token "$GHA_TOKEN" --name "$GHA_NAME" \
  --labels "${GHA_EXTRA_LABELS:-}" --ephemeral || fail "config.sh failed"
echo "Runner registered. Starting up."

# run.sh in its own session with no inherited descriptors, so that this exec returns; the
# instance powers off once the runner has served its job.
line="cd $RUNNER_HOME && ./run.sh"
export RUNNER_USER line
# shellcheck disable=SC2016 # expanded by the inner shell, from the exported variables
setsid /bin/bash -c '
  su -s /bin/bash "$RUNNER_USER" -c "$line"
  poweroff 2>/dev/null || kill -s PWR 1' </dev/null >/opt/runner/run.log 2>&1 &
echo "run.sh started"
exit 0
