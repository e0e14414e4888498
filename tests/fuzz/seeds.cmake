# SPDX-License-Identifier: Apache-2.0
# Hand-written seeds for fuzz_webhook_payload, beside the real payloads from the fixtures:
# each reaches a path the fixtures do not (large ids, escaped and reordered keys, nulls, a
# minimal ping). Written into the build tree at configure time; JSON cannot carry the SPDX
# line, so they live here rather than as files. Usage: lxdrunner_write_payload_seeds(<dir>).
function(lxdrunner_write_payload_seeds dir)
  file(WRITE ${dir}/minimal_queued.json [=[{"action":"queued","workflow_job":{"id":1,"run_id":2,"run_attempt":1,"labels":["self-hosted","linux"],"status":"queued","conclusion":null,"runner_id":null,"runner_name":null},"repository":{"full_name":"o/r"}}]=])
  file(WRITE ${dir}/large_ids.json [=[{"action":"completed","workflow_job":{"id":18446744073709551615,"run_id":9007199254740993,"run_attempt":4294967295,"labels":[],"status":"completed","conclusion":"failure","runner_id":9223372036854775808,"runner_name":"lxd-runner-1"},"repository":{"full_name":"octo/repo"},"organization":{"login":"octo"},"installation":{"id":12345678901}}]=])
  file(WRITE ${dir}/escapes_and_order.json [=[{"\u0061ction":"waiting","workflow_job":{"labels":["caf\u00e9","\ud83d\ude00","\"q\"\\\/\b\f\n\r\t","\u0000","é€😀"],"run_id":0,"\u0069d":7,"steps":[{"n":-1.5e-3,"o":[true,false,null,{}]}]},"organization":null,"installation":null,"repository":{"id":1,"full_name":"o/r"}}]=])
  file(WRITE ${dir}/ping_minimal.json [=[{"zen":"Keep it logically awesome.","hook_id":123,"hook":{"type":"Organization","events":["workflow_job"],"config":{"content_type":"json"}}}]=])
  file(WRITE ${dir}/labels_null.json [=[{"action":"in_progress","workflow_job":{"id":1,"run_id":2,"labels":null},"repository":{"full_name":"o/r"}}]=])
endfunction()
