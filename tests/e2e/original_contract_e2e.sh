#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A setup script written for the original lxdrunner serves a job unchanged
# (provisioner_options.setup_contract: original), end to end: real LXD, the GitHub simulator,
# the daemon with its real plugins, the stand-in runner registered with config.sh --token.
#   original_contract_e2e.sh BIN SIM PLUGINS TARBALL SRC
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-orig-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"
trap 'e2e_cleanup; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

script=$E2E_SRC/tests/e2e/data/original-style-setup.sh
# The test image has no sudo. A stand-in, mounted at /usr/local/bin, answers `sudo -n -l -U
# USER` as a real sudo would under the rule lxdrunner writes (and says no without it), so the
# test sees whether the contract's sudo was provided.
mkdir -m 0755 "$E2E_WORK/sudo-stub"
cat >"$E2E_WORK/sudo-stub/sudo" <<'STUB'
#!/bin/sh
# sudo -n -l -U USER, run by root: lists USER's rights from /etc/sudoers.d/90-lxdrunner-USER.
[ "$*" = "-n -l -U ${4:-}" ] && [ "$(id -u)" = 0 ] || { echo "sudo stand-in: only -n -l -U USER, as root" >&2; exit 1; }
rule=/etc/sudoers.d/90-lxdrunner-$4
if [ "$(cat "$rule" 2>/dev/null)" = "$4 ALL=(ALL) NOPASSWD:ALL" ] && [ "$(stat -c %a "$rule")" = 440 ]; then
  printf 'User %s may run the following commands on %s:\n    (ALL) NOPASSWD: ALL\n' "$4" "$(hostname)"
else
  echo "User $4 is not allowed to run sudo on $(hostname)."
fi
STUB
chmod 0755 "$E2E_WORK/sudo-stub/sudo"
e2e_start_sim
# The first lines continue the entry's devices map (after the simulator's proxy device).
e2e_write_config bash 2 "      sudo-stub:
        type: disk
        source: $E2E_WORK/sudo-stub
        path: /usr/local/bin
        readonly: true
    setup_script: $script
    provisioner_options: { setup_contract: original }"
e2e_start_daemon
job=$(e2e_queue_job)
[ -n "$job" ] || e2e_fail "no job id"

e2e_expect_served "$job"
runner=$E2E_RUNNER

# The provisioning log: what lxdrunner gave the script, and what the script saw.
expect_log() {
  grep -qE -- "$1" "$E2E_WORK/job.txt" || e2e_fail "not in the provisioning log: '$1'
$(cat "$E2E_WORK/job.txt")"
}
expect_log "setup script $script pushed to /opt/runner/original-style-setup.sh \(setup_contract: original\)"
expect_log "pushed to /opt/runner/actions-runner.tgz"
expect_log "registration token obtained and written to /opt/runner/setupvars.conf \(mode 0600\)"
expect_log "setupvars.conf mode 600, GHA_TOKEN of [1-9][0-9]* characters"
expect_log "GHA_URL=$E2E_SIM_URL/$E2E_REPO GHA_NAME=$runner GHA_EXTRA_LABELS=self-hosted,linux,e2e$"
expect_log "^\[bash\] passwordless sudo for runner$"
expect_log "^runner has passwordless sudo$"
expect_log "user runner \(uid [0-9]+\)"
expect_log "Runner registered. Starting up."
expect_log "run.sh started"
if grep -q "JIT runner configuration" "$E2E_WORK/job.txt"; then
  e2e_fail "a JIT configuration was asked for: the original's scripts take a registration token"
fi
echo "ok [original-contract]: job $job ran on $runner; $(e2e_phase_times "$job")"
e2e_stop_daemon
e2e_check_no_secrets
