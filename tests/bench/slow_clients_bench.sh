#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# slow_clients_bench.sh LXDRUNNER BENCH_SLOW_CLIENTS SOURCE_DIR PLUGIN_DIR TEST_PLUGIN_DIR [CROWD]
# Issue 13's slow-client target: with CROWD (500) connections open to the daemon's webhook
# port, each trickling header bytes, signed deliveries are still answered within 1 s. Starts
# the daemon (webhook source, no LXD), runs bench_slow_clients against it, prints its figures
# and the daemon's refusal counters.
set -euo pipefail
bin=$1 slow=$2 src=$3 plugins=$4 test_plugins=$5 crowd=${6:-500}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
. "$src/tests/lib/daemon_ports.sh"
sed -e "s|@PORT@|0|" -e "s|@PLUGINS@|$plugins|" -e "s|@TEST_PLUGINS@|$test_plugins|" \
  -e "s|@STATE@|$work/state|" "$src/tests/webhook/original-plus.yml.in" >"$work/config.yml"
echo "logging: { level: warning }" >>"$work/config.yml"

# A real-sized queued delivery (~11 KB) whose labels no entry wants: answered 200 and dropped.
python3 - "$src/tests/unit/webhook_payload/fixtures/workflow_job.queued.payload.json" "$work/body.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["workflow_job"]["labels"] = ["bench-nobody-wants-this"]
text = json.dumps(d, indent=2)
d["repository"]["description"] = "x" * max(0, 11 * 1024 - len(text))
open(sys.argv[2], "w").write(json.dumps(d, indent=2))
PY
signature="sha256=$(openssl dgst -sha256 -hmac fake_webhook_secret -r "$work/body.json" | cut -d' ' -f1)"

cd "$work"
"$bin" --config "$work/config.yml" >"$work/log" 2>&1 &
pid=$!
port=$(daemon_port "$work/state" "$pid" web_port) || { cat "$work/log"; exit 1; }
echo "daemon on port $port; $crowd trickling connections, then 20 signed deliveries"
"$slow" "$port" "$crowd" "$work/body.json" "$signature" 20
curl -sf "http://127.0.0.1:$port/metrics" | grep -E '^lxdrunner_http_(refused_total|connections)'
