# SPDX-License-Identifier: Apache-2.0
# The frame of a daemon test without LXD, sourced after `src` is set: a scratch directory
# ($work), the daemon and the simulator ($daemon_pid, $sim_pid) stopped at exit, fail()
# with the daemon log's tail, and daemon_port (daemon_ports.sh).
work=$(mktemp -d)
daemon_pid= sim_pid=
daemon_test_cleanup() {
  [ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap daemon_test_cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- daemon log (last 40 lines):" >&2
  tail -n 40 "$work/daemon.log" >&2
  exit 1
}
# shellcheck source=daemon_ports.sh
. "$src/tests/lib/daemon_ports.sh"
