#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# discovery_startup_test.sh LXDRUNNER GITHUB_SIM SOURCE_DIR PLUGIN_DIR TEST_PLUGIN_DIR
# A fresh install with a GitHub App and no repository list: the start-up scan finds a job
# queued in one of the installation's repositories while lxdrunner was not running (its
# webhook went nowhere), and skips archived ones. Then the poll source with
# `repositories: auto` polls the discovered repositories, and a fresh install with a PAT
# finds the jobs of the user's repositories. No LXD: the in-memory test backend.
set -uo pipefail
bin=$1 sim=$2 src=$3 plugins=$4 test_plugins=$5
. "$src/tests/lib/daemon_test.sh"
command -v openssl >/dev/null || { echo "skipped: no openssl command to make an App key"; exit 0; }
openssl genrsa -out "$work/app.pem" 2048 2>/dev/null
openssl rsa -in "$work/app.pem" -pubout -out "$work/app.pub" 2>/dev/null
chmod 600 "$work/app.pem"

pat=ghp_discovery_test_token
"$sim" --port 0 --pat "$pat" --app-id 4242 --app-public-key "$work/app.pub" --installation-id 7 \
  >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/sim.out" && break; sleep 0.1; done
sim_url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$work/sim.out" | head -n 1)
[ -n "$sim_url" ] || fail "github-sim did not start: $(cat "$work/sim.err")"
sim_post() { curl -sf -X POST "$sim_url$1" -H 'Content-Type: application/json' -d "$2"; }
queue_job() { # queue_job REPO: prints the job id
  sim_post /_sim/jobs "{\"repo\":\"$1\",\"labels\":[\"self-hosted\",\"discovery\"]}" |
    sed -n 's/.*"job_id": *\([0-9]*\).*/\1/p'
}
count_log() { grep -cF -- "$1" "$work/daemon.log"; }
wait_log() { # wait_log SECONDS TEXT: until the log holds TEXT
  local end=$((SECONDS + $1))
  while [ $SECONDS -lt "$end" ]; do [ "$(count_log "$2")" -gt 0 ] && return 0; sleep 0.1; done
  return 1
}

# The installation's repositories, one of them archived; jobs queued before the first start.
sim_post /_sim/repos '{"full_names":["octo/one","octo/two"],"org":true}' >/dev/null ||
  fail "cannot declare repositories"
sim_post /_sim/repos '{"full_name":"octo/old","archived":true}' >/dev/null ||
  fail "cannot declare the archived repository"
job=$(queue_job octo/two)
archived_job=$(queue_job octo/old)
[ -n "$job" ] && [ -n "$archived_job" ] || fail "cannot queue the jobs"

credentials="github_app: { app_id: 4242, installation_id: 7, private_key: { file: $work/app.pem } }"
write_config() { # write_config EVENT_SOURCES_YAML
  cat >"$work/config.yml" <<YAML
$credentials
hooksecret: discovery-test-secret
github_api_url: $sim_url
prefix: lxdrt-discovery
web_host: 127.0.0.1
web_port: 0
web_tls: false
plugin_dirs: [ "$plugins", "$test_plugins" ]
state_dir: $work/$state
runner_cache_dir: $work/runner-cache
event_sources:
$1
runnermap:
  - name: discovery
    labels: [ self-hosted, discovery ]
    image: none
    type: container
    runner_os: linux
    runner_arch: x64
    backend: test-backend
    provisioner: test-provisioner
YAML
}
start_daemon() {
  LXDRUNNER_NO_INSTALLED_PLUGINS=1 "$bin" run --config "$work/config.yml" >>"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  daemon_port "$work/$state" "$daemon_pid" web_port >/dev/null || fail "the daemon did not start"
}
stop_daemon() {
  kill -TERM "$daemon_pid" 2>/dev/null
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
}

state=state
# 1. Webhook only, an empty job store: the start-up scan asks about the discovered repositories.
write_config "  webhook: {}"
start_daemon
wait_log 60 "found queued on GitHub" || fail "the start-up scan did not finish"
grep -q "recovery: .* 1 found queued on GitHub" "$work/daemon.log" ||
  fail "the start-up scan did not find exactly the one job"
grep -qF "job $job queued in octo/two for entry 'discovery' (from startup-poll)" "$work/daemon.log" ||
  fail "job $job of the installation's repository octo/two was not found at start-up"
[ "$(count_log "job $archived_job ")" = 0 ] || fail "the archived repository was scanned"
echo "ok: a fresh install's start-up scan found job $job in a discovered repository"
stop_daemon

# 2. The poll source with repositories: auto polls the discovered repositories.
write_config "  poll: { repositories: auto, interval: 5 }"
start_daemon
wait_log 60 "recovery done: dispatching" || fail "recovery did not finish"
wait_log 30 "poll: watching 2 discovered repositories" ||
  fail "the poll source did not read the discovered repositories"
late=$(queue_job octo/one)
[ -n "$late" ] || fail "cannot queue the late job"
wait_log 30 "job $late queued in octo/one for entry 'discovery' (from poll)" ||
  fail "job $late was not polled from the discovered repository octo/one"
grep -q "BEGIN RSA PRIVATE KEY\|BEGIN PRIVATE KEY" "$work/daemon.log" && fail "the App key reached the log"
echo "ok: the poll source with repositories: auto polled job $late"
stop_daemon

# 3. A fresh install with a PAT: /user/repos gives the same repositories (archived left out);
# both queued jobs are found at start-up.
mv "$work/daemon.log" "$work/daemon-app.log"
state=state-pat
credentials="pat: $pat"
write_config "  webhook: {}"
start_daemon
wait_log 60 "found queued on GitHub" || fail "the start-up scan with a PAT did not finish"
grep -q "recovery: .* 2 found queued on GitHub" "$work/daemon.log" ||
  fail "the start-up scan with a PAT did not find the two jobs"
grep -qF "job $job queued in octo/two for entry 'discovery' (from startup-poll)" "$work/daemon.log" ||
  fail "job $job was not found with the PAT"
grep -qF "job $late queued in octo/one for entry 'discovery' (from startup-poll)" "$work/daemon.log" ||
  fail "job $late was not found with the PAT"
[ "$(count_log "job $archived_job ")" = 0 ] || fail "the archived repository was scanned with the PAT"
grep -qF "$pat" "$work/daemon.log" "$work/daemon-app.log" && fail "the PAT reached the log"
echo "ok: a fresh install with a PAT found jobs $job and $late in the user's repositories"
