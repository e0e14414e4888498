#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# org_runner_test.sh LXDRUNNER GITHUB_SIM SOURCE_DIR PLUGIN_DIR TEST_PLUGIN_DIR
# Organisation runners: a job of an organisation's repository (runner_scope auto, the
# default) is served by a JIT runner registered in the organisation, in the runner group the
# entry names; an entry whose group does not let the repository in fails its launch with a
# line that says why. No LXD: the in-memory test backend, whose test provisioner asks the
# daemon for the JIT config as a real provisioner does.
set -uo pipefail
bin=$1 sim=$2 src=$3 plugins=$4 test_plugins=$5
. "$src/tests/lib/daemon_test.sh"
pat=ghp_org_runner_test_token
secret=org-runner-test-hook-secret
mkdir -p "$work/jit"

"$sim" --port 0 --pat "$pat" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/sim.out" && break; sleep 0.1; done
sim_url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$work/sim.out" | head -n 1)
[ -n "$sim_url" ] || fail "github-sim did not start: $(cat "$work/sim.err")"
sim_post() { curl -sf -X POST "$sim_url$1" -H 'Content-Type: application/json' -d "$2"; }
sim_get() { curl -sf "$sim_url$1" -H "Authorization: token $pat"; }
count_log() { grep -cF -- "$1" "$work/daemon.log"; }
wait_log() { # wait_log SECONDS TEXT: until the log holds TEXT
  local end=$((SECONDS + $1))
  while [ $SECONDS -lt "$end" ]; do [ "$(count_log "$2")" -gt 0 ] && return 0; sleep 0.1; done
  return 1
}
json_field() { sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1; }

sim_post /_sim/repos '{"full_names":["acme/app","acme/other"],"org":true}' >/dev/null ||
  fail "cannot declare the repositories"
group=$(sim_post /_sim/runner-groups \
  '{"org":"acme","name":"ci-fleet","visibility":"selected","repositories":["acme/app"]}' |
  json_field id)
[ -n "$group" ] || fail "cannot declare the runner group"
sim_post /_sim/runner-groups \
  '{"org":"acme","name":"elsewhere","visibility":"selected","repositories":["acme/other"]}' \
  >/dev/null || fail "cannot declare the second runner group"

cat >"$work/config.yml" <<YAML
pat: $pat
hooksecret: $secret
github_api_url: $sim_url
prefix: lxdrt-org
web_host: 127.0.0.1
web_port: 0
web_tls: false
plugin_dirs: [ "$plugins", "$test_plugins" ]
state_dir: $work/state
runner_cache_dir: $work/runner-cache
dispatcher: { launch_attempts: 1, prefetch_jit_config: false }
event_sources:
  webhook: {}
plugins:
  test-provisioner: { jit_dir: "$work/jit" }
runnermap:
  - name: org-ci
    labels: [ self-hosted, orgci ]
    image: none
    type: container
    runner_os: linux
    runner_arch: x64
    backend: test-backend
    provisioner: test-provisioner
    runner_group: CI-Fleet
  - name: wrong-group
    labels: [ self-hosted, wronggroup ]
    image: none
    type: container
    runner_os: linux
    runner_arch: x64
    backend: test-backend
    provisioner: test-provisioner
    runner_group: elsewhere
YAML

LXDRUNNER_NO_INSTALLED_PLUGINS=1 "$bin" run --config "$work/config.yml" >>"$work/daemon.log" 2>&1 &
daemon_pid=$!
port=$(daemon_port "$work/state" "$daemon_pid" web_port) || fail "the daemon did not start"
sim_post /_sim/settings "{\"webhook_url\":\"http://127.0.0.1:$port/hooks/lxdrunner\",\"webhook_secret\":\"$secret\"}" >/dev/null ||
  fail "cannot point the simulator's webhook at the daemon"
wait_log 30 "recovery done: dispatching" || fail "recovery did not finish"

# 1. The organisation's job: a JIT runner in orgs/acme, group ci-fleet.
job=$(sim_post /_sim/jobs '{"repo":"acme/app","org":"acme","labels":["self-hosted","orgci"]}' |
  json_field job_id)
[ -n "$job" ] || fail "cannot queue the job"
wait_log 30 "registered JIT runner" || fail "the provisioner registered no runner"
instance=$(sed -n 's/.*registered JIT runner \([^ ]*\) in orgs\/acme.*/\1/p' "$work/daemon.log" | head -n 1)
[ -n "$instance" ] || fail "the runner was not registered in orgs/acme"
runners=$(sim_get /orgs/acme/actions/runners) || fail "cannot list the organisation's runners"
grep -q "\"name\": *\"$instance\"" <<<"$runners" || fail "orgs/acme has no runner $instance: $runners"
[ "$(sim_get /repos/acme/app/actions/runners | json_field total_count)" = 0 ] ||
  fail "a runner was registered in the repository too"
grep -q "\"runner_group_id\": *$group" <<<"$runners" || fail "the runner is not in group $group: $runners"
echo "ok: job $job got JIT runner $instance in orgs/acme, group ci-fleet ($group)"

# The runner starts with its JIT config and takes the job.
jit=$(cat "$work/jit/$instance") || fail "no JIT config was handed to the provisioner"
sim_post /_sim/runner/session "{\"jitconfig\":\"$jit\"}" >/dev/null || fail "the runner's session was refused"
taken=$(sim_post /_sim/runner/acquire "{\"runner\":\"$instance\"}") || fail "the runner got no job"
grep -q "\"id\": *$job" <<<"$taken" || fail "the runner took another job: $taken"
grep -q '"runner_group_name": *"ci-fleet"' <<<"$taken" || fail "the job ran outside ci-fleet: $taken"
sim_post /_sim/runner/complete "{\"runner\":\"$instance\",\"job_id\":$job}" >/dev/null ||
  fail "the job could not complete"
echo "ok: job $job served by organisation runner $instance"

# 2. A group that does not let the repository in: one clear line, no runner.
bad=$(sim_post /_sim/jobs '{"repo":"acme/app","org":"acme","labels":["self-hosted","wronggroup"]}' |
  json_field job_id)
[ -n "$bad" ] || fail "cannot queue the second job"
wait_log 30 "runner group 'elsewhere' of organisation acme: its repository access is \"selected\" and acme/app is not among them" ||
  fail "no clear error for a group that does not allow the repository"
[ "$(sim_get /orgs/acme/actions/runners | json_field total_count)" = 0 ] ||
  fail "a runner was registered outside its group"
echo "ok: group 'elsewhere' refused for acme/app with a clear error"
if grep -q "$pat" "$work/daemon.log"; then fail "the PAT reached the log"; fi
