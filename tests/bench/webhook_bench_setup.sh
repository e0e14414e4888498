# SPDX-License-Identifier: Apache-2.0
# Sourced by the webhook benchmarks. webhook_bench_setup SRC PLUGINS TEST_PLUGINS WORK PORT
# writes WORK/config.yml (the original-format config with the webhook source, PORT, logging at
# warning) and WORK/body.json, a real-sized queued delivery (~11 KB: the fixture's repository
# description padded) whose labels no entry wants, so the daemon answers 200 and drops it; sets
# `signature` to its X-Hub-Signature-256.
webhook_bench_setup() {
  local src=$1 plugins=$2 test_plugins=$3 work=$4 port=$5
  sed -e "s|@PORT@|$port|" -e "s|@PLUGINS@|$plugins|" -e "s|@TEST_PLUGINS@|$test_plugins|" \
    -e "s|@STATE@|$work/state|" "$src/tests/webhook/original-plus.yml.in" >"$work/config.yml"
  echo "logging: { level: warning }" >>"$work/config.yml"
  python3 - "$src/tests/unit/webhook_payload/fixtures/workflow_job.queued.payload.json" \
    "$work/body.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["workflow_job"]["labels"] = ["bench-nobody-wants-this"]
text = json.dumps(d, indent=2)
d["repository"]["description"] = "x" * max(0, 11 * 1024 - len(text))
open(sys.argv[2], "w").write(json.dumps(d, indent=2))
PY
  signature="sha256=$(openssl dgst -sha256 -hmac fake_webhook_secret -r "$work/body.json" | cut -d' ' -f1)"
}
