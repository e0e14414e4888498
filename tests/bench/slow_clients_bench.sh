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
. "$src/tests/bench/webhook_bench_setup.sh"
webhook_bench_setup "$src" "$plugins" "$test_plugins" "$work" 0

cd "$work"
"$bin" --config "$work/config.yml" >"$work/log" 2>&1 &
pid=$!
port=$(daemon_port "$work/state" "$pid" web_port) || { cat "$work/log"; exit 1; }
echo "daemon on port $port; $crowd trickling connections, then 20 signed deliveries"
"$slow" "$port" "$crowd" "$work/body.json" "$signature" 20
curl -sf "http://127.0.0.1:$port/metrics" | grep -E '^lxdrunner_http_(refused_total|connections)'
