#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# webhook_wrk.sh LXDRUNNER SOURCE_DIR PLUGIN_DIR TEST_PLUGIN_DIR [DURATION_S]
# Signed ~11 KB workflow_job deliveries whose labels no entry wants, against the daemon's
# webhook route on loopback, with wrk at 1, 16 and 64 connections. Prints requests/s,
# p50/p99 latency and the daemon's RSS before and after. Build with the release preset for
# numbers worth quoting.
set -euo pipefail
bin=$1 src=$2 plugins=$3 test_plugins=$4 duration=${5:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
. "$src/tests/bench/webhook_bench_setup.sh"
webhook_bench_setup "$src" "$plugins" "$test_plugins" "$work" "$port"

cd "$work"
"$bin" --config "$work/config.yml" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "payload: $(wc -c <"$work/body.json") bytes; daemon RSS at start: $(rss) KiB"
for c in 1 16 64; do
  threads=$(( c < 2 ? 1 : 2 ))
  out=$(BENCH_BODY="$work/body.json" BENCH_SIGNATURE="$signature" \
    wrk -t"$threads" -c"$c" -d"${duration}s" --latency -s "$src/tests/bench/webhook_post.lua" \
    "http://127.0.0.1:$port/hooks/lxdrunner" | grep '^BENCH')
  echo "connections=$c $out rss_kib=$(rss)"
done
# Memory must stay flat under sustained load: three more rounds at 64 connections.
for round in 1 2 3; do
  BENCH_BODY="$work/body.json" BENCH_SIGNATURE="$signature" \
    wrk -t2 -c64 -d"${duration}s" -s "$src/tests/bench/webhook_post.lua" \
    "http://127.0.0.1:$port/hooks/lxdrunner" >/dev/null
  echo "sustained round $round at 64 connections: rss_kib=$(rss)"
done
kill -0 "$pid" || { echo "daemon died"; cat "$work/log"; exit 1; }
