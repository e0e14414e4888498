# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared by the stand-in runner's shell tests: a github-sim on a free loopback port and small
# JSON queries done with the tarball's own json-flatten.awk (no jq needed).
#
# Callers set WORK (a scratch directory) and FLATTEN_AWK before calling these.

SIM_PAT=ghp_standin_test
SIM_PID=
SIM_URL=

fail() {
  echo "FAIL: $*"
  for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }; done
  exit 1
}

start_sim() { # start_sim GITHUB_SIM [OPTIONS...]
  local sim=$1
  shift
  "$sim" --port 0 --pat "$SIM_PAT" "$@" >"$WORK/sim.out" 2>"$WORK/sim.err" &
  SIM_PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$WORK/sim.out" && break; sleep 0.1; done
  SIM_URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$WORK/sim.out" | head -n 1)
  [ -n "$SIM_URL" ] || fail "the simulator did not start: $(cat "$WORK/sim.err")"
}

stop_sim() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  SIM_PID=
}

flat() { awk -f "$FLATTEN_AWK"; }
field() { awk -F '\t' -v want="$1" '$1 == want { sub(/^[^\t]*\t/, ""); print; exit }'; }

# rest METHOD PATH [BODY]: a REST call with the PAT; prints the body, fails the test on >= 400.
rest() {
  curl -sSf -X "$1" -H "Authorization: token $SIM_PAT" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} "$SIM_URL$2" || fail "REST $1 $2 failed"
}

# control METHOD PATH [BODY]: a /_sim control call.
control() {
  curl -sSf -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$SIM_URL$2" ||
    fail "control $1 $2 failed"
}

queue_job() { # queue_job REPO LABELS_JSON -> job id
  local id
  id=$(control POST /_sim/jobs "{\"repo\":\"$1\",\"labels\":$2}" | flat | field job_id)
  [ -n "$id" ] || fail "no job id queuing a job for $1"
  printf '%s' "$id"
}

new_jit_config() { # new_jit_config REPO NAME LABELS_JSON -> encoded_jit_config
  local config
  config=$(rest POST "/repos/$1/actions/runners/generate-jitconfig" \
    "{\"name\":\"$2\",\"runner_group_id\":1,\"labels\":$3}" | flat | field encoded_jit_config)
  [ -n "$config" ] || fail "no JIT config for $2"
  printf '%s' "$config"
}

runner_token() { # runner_token REPO registration|remove
  local token
  token=$(rest POST "/repos/$1/actions/runners/$2-token" | flat | field token)
  [ -n "$token" ] || fail "no $2 token for $1"
  printf '%s' "$token"
}

job_field() { control GET "/_sim/jobs/$1" | flat | field "$2"; }

runner_count() { # runner_count REPO NAME
  rest GET "/repos/$1/actions/runners?name=$2" | flat | field total_count
}
runner_status() { rest GET "/repos/$1/actions/runners?name=$2" | flat | field runners.0.status; }

expect_job_done() { # expect_job_done JOB_ID RUNNER_NAME CONCLUSION
  local status conclusion runner
  status=$(job_field "$1" status)
  conclusion=$(job_field "$1" conclusion)
  runner=$(job_field "$1" runner_name)
  [ "$status" = completed ] || fail "job $1 is '$status', not completed"
  [ "$conclusion" = "$3" ] || fail "job $1 concluded '$conclusion', not $3"
  [ "$runner" = "$2" ] || fail "job $1 ran on '$runner', not $2"
}

expect_in() { # expect_in FILE TEXT
  grep -qF -- "$2" "$1" || fail "'$2' missing from $1"
}
