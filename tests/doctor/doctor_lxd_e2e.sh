#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# doctor_lxd_e2e.sh LXDRUNNER GITHUB_SIM PLUGIN_DIR TARBALL
# `lxdrunner doctor` on a real setup: LXD with the lxdrunner-test image (lxd-test-env.sh
# ensure), the lxd-container backend, github-sim, the daemon receiving the webhook. Every
# check is ok; then a missing image and a missing profile are FAIL lines with exit status 1.
set -uo pipefail
DT_BIN=$1 DT_SIM=$2 plugins=$3 DT_TARBALL=$4
DT_WORK=$(mktemp -d)
. "$(dirname "$0")/doctor_lib.sh"
trap dt_cleanup EXIT

lxc image info lxdrunner-test >/dev/null 2>&1 ||
  dt_fail "the lxdrunner-test image is missing: run tests/lxd/env/lxd-test-env.sh ensure"

dt_start_sim
dirs="\"$plugins\""
dt_write_config config.yml "" "    image: lxdrunner-test
    provisioner: bash" "$dirs"
cfg=(--config "$DT_WORK/config.yml")

# A good setup: the daemon runs (it fills the runner cache and answers the webhook's ping),
# the webhook was installed while it listened.
dt_start_daemon config.yml
dt_wait_runner_cache
dt_run webhook install "${cfg[@]}" --repo "$DT_REPO" --url "$DT_HOOK_URL"
dt_expect_rc 0
curl -sf -X POST "$DT_SIM_URL/_sim/webhooks/flush" -d '{}' >/dev/null
dt_run doctor "${cfg[@]}"
cat "$DT_WORK/out"
dt_expect_rc 0
dt_expect_no_line "^(FAIL|warn)"
dt_expect_line "^ok +backend 'lxd-container': lists its instances"
dt_expect_line "^ok +lxd remote 'main': lxd [0-9.]+ at /"
dt_expect_line "^ok +lxd remote 'main' storage: pool\(s\): "
dt_expect_line "^ok +runnermap 'doctor' image on remote 'main': 'lxdrunner-test' present \(container\)"
dt_expect_line "^ok +runnermap 'doctor' profiles on remote 'main': default present"
dt_expect_line "^ok +runnermap 'doctor' root disk on remote 'main': on storage pool '"
dt_expect_line "^ok +github credentials: PAT accepted"
dt_expect_line "^ok +webhook repos/$DT_REPO: hook [0-9]+ sends workflow_job to $DT_HOOK_URL"
dt_expect_line "^ok +webhook repos/$DT_REPO: deliveries: the one recent delivery succeeded"
dt_expect_line "^ok +runner cache linux/x64: runner 2.999.0 cached and current"
dt_stop_daemon

# A missing image.
dt_write_config noimage.yml "" "    image: lxdrt-doctor-no-such-image
    provisioner: bash" "$dirs"
dt_run doctor --config "$DT_WORK/noimage.yml"
dt_expect_rc 1
dt_expect_line "^FAIL +runnermap 'doctor' image on remote 'main': image alias 'lxdrt-doctor-no-such-image' not found on remote 'main' -> import it"

# A missing profile (the other profile is still found).
dt_write_config noprofile.yml "" "    image: lxdrunner-test
    profiles: [ default, lxdrt-doctor-no-such-profile ]
    provisioner: bash" "$dirs"
dt_run doctor --config "$DT_WORK/noprofile.yml"
dt_expect_rc 1
dt_expect_line "^FAIL +runnermap 'doctor' profile 'lxdrt-doctor-no-such-profile' on remote 'main': profile 'lxdrt-doctor-no-such-profile' not found on remote 'main' -> create it"
dt_expect_line "^ok +runnermap 'doctor' image on remote 'main'"

# LXD unreachable: a socket path where nothing listens.
dt_write_config nolxd.yml "" "    image: lxdrunner-test
    provisioner: bash" "$dirs"
printf 'remotes:\n  main: { addr: %s }\n' "$DT_WORK/no-lxd.socket" >>"$DT_WORK/nolxd.yml"
dt_run doctor --config "$DT_WORK/nolxd.yml"
dt_expect_rc 1
dt_expect_line "^FAIL +lxd remote 'main': LXD socket $DT_WORK/no-lxd.socket not found: is LXD running\?"
dt_expect_line "^FAIL +backend 'lxd-container': cannot list its instances"
echo "ok: doctor on real LXD"
