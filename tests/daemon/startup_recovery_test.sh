#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# startup_recovery_test.sh LXDRUNNER GITHUB_SIM SOURCE_DIR PLUGIN_DIR TEST_PLUGIN_DIR
# The daemon listens (and would report READY=1) before start-up recovery, which may wait on
# GitHub for long: with every /repos/ call held 20 s by the simulator, the webhook listener
# answers at once, /readyz says recovery is running, webhooks are stored meanwhile, and the
# daemon is ready once recovery is through. No LXD: the in-memory test backend.
set -uo pipefail
bin=$1 sim=$2 src=$3 plugins=$4 test_plugins=$5
. "$src/tests/lib/daemon_test.sh"
pat=ghp_startup_test_token
secret=startup-test-hook-secret
repo=octo/startup

"$sim" --port 0 --pat "$pat" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/sim.out" && break; sleep 0.1; done
sim_url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$work/sim.out" | head -n 1)
[ -n "$sim_url" ] || fail "github-sim did not start: $(cat "$work/sim.err")"

cat >"$work/config.yml" <<YAML
pat: $pat
hooksecret: $secret
github_api_url: $sim_url
prefix: lxdrt-startup
web_host: 127.0.0.1
web_port: 0
web_tls: false
plugin_dirs: [ "$plugins", "$test_plugins" ]
state_dir: $work/state
runner_cache_dir: $work/runner-cache
event_sources:
  webhook: {}
runnermap:
  - name: startup
    labels: [ self-hosted, startup ]
    image: none
    type: container
    runner_os: linux
    runner_arch: x64
    backend: test-backend
    provisioner: test-provisioner
YAML

start_daemon() {
  LXDRUNNER_NO_INSTALLED_PLUGINS=1 "$bin" run --config "$work/config.yml" >>"$work/daemon.log" 2>&1 &
  daemon_pid=$!
}
stop_daemon() {
  kill -TERM "$daemon_pid" 2>/dev/null
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
}
sim_post() { curl -sf -X POST "$sim_url$1" -H 'Content-Type: application/json' -d "$2"; }
queue_job() { sim_post /_sim/jobs "{\"repo\":\"$repo\",\"labels\":[\"self-hosted\",\"startup\"]}" >/dev/null; }
count_log() { grep -cF -- "$1" "$work/daemon.log"; }
wait_log() { # wait_log SECONDS TEXT [COUNT]: until the log holds TEXT more than COUNT times
  local end=$((SECONDS + $1))
  while [ $SECONDS -lt "$end" ]; do [ "$(count_log "$2")" -gt "${3:-0}" ] && return 0; sleep 0.1; done
  return 1
}

# 1. A first run serves the repository once, so the next start's recovery asks GitHub.
start_daemon
port=$(daemon_port "$work/state" "$daemon_pid" web_port) || fail "the daemon did not start"
sim_post /_sim/settings "{\"webhook_url\":\"http://127.0.0.1:$port/hooks/lxdrunner\",\"webhook_secret\":\"$secret\"}" >/dev/null ||
  fail "cannot point the simulator's webhook at the daemon"
queue_job
wait_log 20 "queued in $repo" || fail "the first job was not queued"
stop_daemon

# 2. GitHub slow for every repository call: recovery waits 20 s on its queued-jobs poll.
sim_post /_sim/faults '{"kind":"delay","delay_ms":20000,"count":-1,"path_prefix":"/repos/"}' >/dev/null ||
  fail "cannot arm the simulator's delay"
before=$(count_log "recovery: ")
done_before=$(count_log "recovery done: dispatching")
started=$SECONDS
start_daemon
port=$(daemon_port "$work/state" "$daemon_pid" web_port 15) ||
  fail "the daemon did not listen within 15 s while recovery waited on GitHub"
curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || fail "/healthz did not answer"
[ "$(count_log "recovery: ")" = "$before" ] || fail "recovery had finished already: the test proves nothing"
ready=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/readyz")
[[ $ready == *"recovery fail: start-up recovery is still running"*" 503" ]] ||
  fail "/readyz during recovery: $ready"
echo "ok: listening after $((SECONDS - started)) s, recovery still running, /readyz 503"

# 3. A webhook during recovery is stored (200 queued), not refused.
sim_post /_sim/settings "{\"webhook_url\":\"http://127.0.0.1:$port/hooks/lxdrunner\",\"webhook_secret\":\"$secret\"}" >/dev/null
queued_before=$(count_log "queued in $repo")
queue_job
end=$((SECONDS + 15))
while [ $SECONDS -lt $end ] && [ "$(count_log "queued in $repo")" = "$queued_before" ]; do sleep 0.1; done
[ "$(count_log "queued in $repo")" -gt "$queued_before" ] || fail "a webhook during recovery was not stored"
[ "$(count_log "recovery: ")" = "$before" ] || fail "recovery ended before the webhook: the test proves nothing"
echo "ok: a webhook during recovery was stored"

# 4. Once GitHub answers, recovery ends and the daemon is ready.
curl -sf -o /dev/null -X DELETE "$sim_url/_sim/faults" || fail "cannot clear the faults"
wait_log 60 "recovery done: dispatching" "$done_before" || fail "recovery did not finish"
# (Only the recovery line: the test backend's listing is not what /readyz wants.)
ready=$(curl -s "http://127.0.0.1:$port/readyz")
grep -qx "recovery ok" <<<"$ready" || fail "/readyz after recovery: $ready"
echo "ok: recovery done, /readyz says recovery ok"

# 5. A stop during recovery is prompt and starts nothing.
stop_daemon
sim_post /_sim/faults '{"kind":"delay","delay_ms":8000,"count":-1,"path_prefix":"/repos/"}' >/dev/null
start_daemon
daemon_port "$work/state" "$daemon_pid" web_port 15 >/dev/null || fail "the daemon did not listen"
t0=$SECONDS
stop_daemon
[ $((SECONDS - t0)) -lt 25 ] || fail "stopping during recovery took $((SECONDS - t0)) s"
echo "ok: stopped during recovery in $((SECONDS - t0)) s"
