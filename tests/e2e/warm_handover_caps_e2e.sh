#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The packaged unit's capability set, without systemd (these machines have none): a daemon
# that is not root hands a warm start to the armed runner through the FIFO from the host
# only with CAP_SYS_PTRACE and CAP_DAC_OVERRIDE, as config/systemd/lxdrunner.service grants
# them (ambient, no-new-privileges); without them it falls back to phase start's exec, says
# why in the job log, and serves the job all the same.
#   warm_handover_caps_e2e.sh BIN SIM PLUGINS TARBALL SRC
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-e2e-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"
trap 'e2e_cleanup; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

# The daemon runs as nobody, in the LXD socket's group (lxd-test-env.sh starts LXD with
# --group root). Its binary, plugins and setup script are copied to where nobody can read
# them: the build tree may sit below a directory only root may enter.
socket=${LXD_SOCKET:-${LXD_DIR:-/var/lib/lxd}/unix.socket}
[ -S "$socket" ] || e2e_fail "no LXD socket at $socket (set LXD_SOCKET)"
socket_gid=$(stat -c %g "$socket")
nobody_uid=$(id -u nobody) nobody_gid=$(id -g nobody) || e2e_fail "no user nobody"
mkdir -p "$E2E_WORK/bin" "$E2E_WORK/plugins"
cp "$E2E_BIN" "$E2E_WORK/bin/lxdrunner" && cp "$E2E_PLUGINS"/*.so "$E2E_WORK/plugins/" &&
  cp "$E2E_SRC/config/runner-setup.sh" "$E2E_WORK/runner-setup.sh" || e2e_fail "cannot copy the daemon"
E2E_PLUGINS=$E2E_WORK/plugins

e2e_start_sim
e2e_write_config bash 2 "    warm_pool: {size: 1}"
sed -i "s|$E2E_SRC/config/runner-setup.sh|$E2E_WORK/runner-setup.sh|" "$E2E_WORK/config.yml"
chown -R "$nobody_uid:$nobody_gid" "$E2E_WORK"
chmod 0711 "$E2E_WORK"
as_nobody="setpriv --reuid=$nobody_uid --regid=$nobody_gid --groups=$socket_gid --no-new-privs"
export HOME=$E2E_WORK

metric() {
  curl -sf "http://127.0.0.1:$E2E_DAEMON_PORT/metrics" | sed -n "s/^$1{entry=\"e2e\"} //p"
}
pool_whole() { [ "$(metric lxdrunner_warm_pool_idle)" = 1 ]; }

# serve_warm: one job, served by the warm instance; its record goes to $E2E_WORK/job.txt.
serve_warm() {
  local job runner
  e2e_wait 90 pool_whole || e2e_fail "the pool did not fill (instances: $(e2e_instances))"
  job=$(e2e_queue_job)
  e2e_wait 60 e2e_job_completed "$job" || e2e_fail "job $job was not completed: $(e2e_job_json "$job")"
  runner=$(e2e_job_field "$job" runner_name)
  E2E_BIN=$E2E_WORK/bin/lxdrunner
  "$E2E_BIN" job "$job" --config "$E2E_WORK/config.yml" >"$E2E_WORK/job.txt" 2>&1 ||
    e2e_fail "lxdrunner job $job: $(cat "$E2E_WORK/job.txt")"
  grep -q "served: *warm" "$E2E_WORK/job.txt" || e2e_fail "job $job was not served warm: $(cat "$E2E_WORK/job.txt")"
  echo "job $job served warm by $runner"
}

# 1. Not root, the capabilities the unit grants (read from it): the FIFO from the host.
unit_caps=$(sed -n 's/^AmbientCapabilities=//p' "$E2E_SRC/config/systemd/lxdrunner.service")
[ -n "$unit_caps" ] || e2e_fail "the unit grants no capability: this test has nothing to check"
caps=$(for c in $unit_caps; do c=${c#CAP_}; printf '+%s,' "${c,,}"; done)
caps=${caps%,}
E2E_BIN=$E2E_WORK/bin/lxdrunner
E2E_DAEMON_WRAPPER="$as_nobody --inh-caps=$caps --ambient-caps=$caps --"
e2e_start_daemon
[ "$(awk '/^Uid:/ { print $2 }' "/proc/$E2E_DAEMON_PID/status")" = "$nobody_uid" ] ||
  e2e_fail "the daemon does not run as nobody"
# Its own to use, not to hand on: nothing it starts (tar, gzip) may inherit them.
[ "$(awk '/^CapAmb:/ { print $2 }' "/proc/$E2E_DAEMON_PID/status")" = 0000000000000000 ] ||
  e2e_fail "the daemon kept ambient capabilities: $(grep Cap "/proc/$E2E_DAEMON_PID/status")"
[ "$(awk '/^CapEff:/ { print $2 }' "/proc/$E2E_DAEMON_PID/status")" != 0000000000000000 ] ||
  e2e_fail "the daemon lost the capabilities it was given"
serve_warm
grep -q "start.fifo in [0-9]* ms (no exec)" "$E2E_WORK/job.txt" ||
  e2e_fail "with the unit's capabilities ($unit_caps) the warm start ran an exec: $(cat "$E2E_WORK/job.txt")"
echo "ok: not root, with the unit's capabilities ($unit_caps): the JIT config went into the FIFO from the host"

# 2. Not root, no capability: phase start's exec, and the job log says why.
e2e_stop_daemon
E2E_DAEMON_WRAPPER="$as_nobody --inh-caps=-all --"
e2e_start_daemon
[ "$(awk '/^CapEff:/ { print $2 }' "/proc/$E2E_DAEMON_PID/status")" = 0000000000000000 ] ||
  e2e_fail "the daemon kept a capability: $(grep Cap "/proc/$E2E_DAEMON_PID/status")"
serve_warm
grep -q "no direct hand-over through /var/lib/lxdrunner/start.fifo" "$E2E_WORK/job.txt" ||
  e2e_fail "without capabilities the job log does not say why it ran phase start: $(cat "$E2E_WORK/job.txt")"
grep -q "woke the armed runner supervisor" "$E2E_WORK/job.txt" ||
  e2e_fail "phase start did not wake the armed runner: $(cat "$E2E_WORK/job.txt")"
if grep -q "(no exec)" "$E2E_WORK/job.txt"; then e2e_fail "without capabilities the FIFO was written from the host"; fi
echo "ok: not root, no capability: phase start's exec woke the armed runner"

e2e_stop_daemon
e2e_check_no_secrets
