#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# webhook_e2e.sh LXDRUNNER SOURCE_DIR PLUGIN_DIR TEST_PLUGIN_DIR
# A daemon with an original-format config answers every fixture, correctly signed, with 2xx,
# bad signatures with 401, a ping with 200, each bad input with its status, and stays up.
set -uo pipefail
bin=$1 src=$2 plugins=$3 test_plugins=$4
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fixtures=$src/tests/unit/webhook_payload/fixtures
secret=fake_webhook_secret
passed=0 failed=0
. "$src/tests/lib/daemon_ports.sh"

sed -e "s|@PORT@|0|" -e "s|@PLUGINS@|$plugins|" -e "s|@TEST_PLUGINS@|$test_plugins|" \
  -e "s|@STATE@|$work/state|" "$src/tests/webhook/original-plus.yml.in" >"$work/config.yml"
cd "$work" || exit 1
XDG_CONFIG_HOME=$work LXDRUNNER_PLUGIN_PATH= LXDRUNNER_NO_INSTALLED_PLUGINS=1 "$bin" --config "$work/config.yml" >"$work/log" 2>&1 &
pid=$!
port=$(daemon_port "$work/state" "$pid" web_port) || { echo "FAIL: the daemon did not start"; cat "$work/log"; exit 1; }
url=http://127.0.0.1:$port/hooks/lxdrunner
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

sign() { printf 'sha256=%s' "$(openssl dgst -sha256 -hmac "$secret" -r "$1" | cut -d' ' -f1)"; }
# post NAME EXPECTED_STATUS FILE EVENT [extra curl args...]: signs FILE correctly.
post() {
  local name=$1 want=$2 file=$3 event=$4
  shift 4
  local got
  got=$(curl -s -o "$work/body" -w '%{http_code}' -X POST "$url" \
    -H "Content-Type: application/json" -H "X-GitHub-Event: $event" \
    -H "X-GitHub-Delivery: $(cat /proc/sys/kernel/random/uuid)" \
    -H "X-Hub-Signature-256: $(sign "$file")" --data-binary "@$file" "$@")
  check "$name" "$want" "$got"
}
check() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $1: expected HTTP $2, got $3 ($(cat "$work/body" 2>/dev/null))"
  fi
}

for f in "$fixtures"/workflow_job.*.json; do post "fixture $(basename "$f")" 200 "$f" workflow_job; done
post "ping" 200 "$fixtures/ping.payload.json" ping

# A job some entry wants, with an id above 2^53: queued, and the id survives exactly.
sed -e 's/"ubuntu-latest"/"self-hosted"/' -e 's/"id": 289782451/"id": 9007199254740993/' \
  "$fixtures/workflow_job.queued.payload.json" >"$work/wanted.json"
post "wanted job" 200 "$work/wanted.json" workflow_job
grep -q "queued" "$work/body" || { failed=$((failed + 1)); echo "FAIL: wanted job not queued"; }
sleep 0.3
grep -q "job 9007199254740993 queued in Codertocat/Hello-World" "$work/log" \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: id not exact in the log"; }

# Bad input.
q=$fixtures/workflow_job.queued.payload.json
got=$(curl -s -o "$work/body" -w '%{http_code}' -X POST "$url" -H "Content-Type: application/json" \
  -H "X-GitHub-Event: workflow_job" --data-binary "@$q")
check "no signature" 401 "$got"
got=$(curl -s -o "$work/body" -w '%{http_code}' -X POST "$url" -H "Content-Type: application/json" \
  -H "X-GitHub-Event: workflow_job" -H "X-Hub-Signature-256: sha256=$(printf '0%.0s' $(seq 64))" \
  --data-binary "@$q")
check "wrong signature" 401 "$got"
head -c 3000 "$q" >"$work/truncated.json"
post "truncated body" 400 "$work/truncated.json" workflow_job
{ head -c 500 "$q"; printf '\xff\xfe'; tail -c +501 "$q"; } >"$work/utf8.json"
post "invalid UTF-8" 400 "$work/utf8.json" workflow_job
head -c 1100000 /dev/zero | tr '\0' ' ' >"$work/big.json"
post "oversized body" 413 "$work/big.json" workflow_job
got=$(curl -s -o "$work/body" -w '%{http_code}' -X POST "$url" -H "Content-Type: text/plain" \
  -H "X-GitHub-Event: workflow_job" -H "X-Hub-Signature-256: $(sign "$q")" --data-binary "@$q")
check "wrong content type" 415 "$got"
sed -e 's/"run_id": [0-9]*,//' "$q" >"$work/missing.json"
post "missing field" 400 "$work/missing.json" workflow_job
sed -e 's/"labels": \[[^]]*\]/"labels": null/' "$q" >"$work/null-labels.json"
post "labels null" 400 "$work/null-labels.json" workflow_job
got=$(curl -s -o "$work/body" -w '%{http_code}' "$url")
check "GET" 405 "$got"
post "other event" 200 "$q" push

# What the plugin counted reaches /metrics (counter_add); 413 is the server's (the plugin
# never sees the body), counted as lxdrunner_errors_total{kind="http_body_too_large"}.
curl -sf "http://127.0.0.1:$port/metrics" >"$work/metrics"
metric() { # metric NAME WANT: the series line NAME has value WANT
  if grep -qxF "$1 $2" "$work/metrics"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: /metrics: want '$1 $2', have: $(grep -F "${1%%\{*}" "$work/metrics" | grep -v '^#' | tr '\n' ';')"
  fi
}
metric 'lxdrunner_plugin_events_total{plugin="webhook",event="bad_signature"}' 2
metric 'lxdrunner_plugin_events_total{plugin="webhook",event="unsupported_media_type"}' 1
metric 'lxdrunner_plugin_events_total{plugin="webhook",event="bad_request"}' 4
metric 'lxdrunner_plugin_events_total{plugin="webhook",event="ping"}' 1
metric 'lxdrunner_plugin_events_total{plugin="webhook",event="ignored"}' 1
metric 'lxdrunner_plugin_events_total{plugin="webhook",event="accepted"}' 1
metric 'lxdrunner_errors_total{kind="http_body_too_large"}' 1

if kill -0 "$pid" 2>/dev/null && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: the daemon did not survive"; cat "$work/log"
fi
if grep -q "fake_webhook_secret\|fake_github_pat" "$work/log"; then
  failed=$((failed + 1)); echo "FAIL: a secret reached the log"
fi
echo "webhook e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
