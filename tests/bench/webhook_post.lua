-- SPDX-License-Identifier: Apache-2.0
-- wrk script: POSTs one signed workflow_job delivery (body and signature prepared by
-- webhook_wrk.sh) with GitHub's headers; each request gets its own delivery GUID so the
-- daemon's deduplication does not short-cut the work.
local body_file = os.getenv("BENCH_BODY")
local signature = os.getenv("BENCH_SIGNATURE")
local f = assert(io.open(body_file, "rb"))
local body = f:read("*a")
f:close()
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "workflow_job",
    ["X-GitHub-Delivery"] = string.format("bench-%d-%d", thread_id, counter),
    ["X-Hub-Signature-256"] = signature,
    ["User-Agent"] = "GitHub-Hookshot/bench",
  }
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_s=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
