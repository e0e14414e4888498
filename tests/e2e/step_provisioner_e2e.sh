#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A step plugin built out of tree, against the SDK installed alone (cmake -S sdk), runs
# before bash in a real LXD job and sees that job: provisioners: [example-job-env, bash].
#   step_provisioner_e2e.sh CMAKE BIN SIM PLUGINS TARBALL SRC
set -uo pipefail
cmake=$1
shift
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-step-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"
trap 'e2e_cleanup; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

# The SDK alone, then the example against it: a plugin author's way, no daemon source tree.
"$cmake" -S "$E2E_SRC/sdk" -B "$E2E_WORK/sdk-build" >"$E2E_WORK/sdk.log" 2>&1 &&
  "$cmake" --install "$E2E_WORK/sdk-build" --prefix "$E2E_WORK/sdk" >>"$E2E_WORK/sdk.log" 2>&1 ||
  e2e_fail "the SDK did not install alone: $(tail -5 "$E2E_WORK/sdk.log")"
"$cmake" -S "$E2E_SRC/sdk/examples/job_env_step" -B "$E2E_WORK/step-build" \
  -DCMAKE_PREFIX_PATH="$E2E_WORK/sdk" >"$E2E_WORK/step.log" 2>&1 &&
  "$cmake" --build "$E2E_WORK/step-build" --target example_job_env >>"$E2E_WORK/step.log" 2>&1 ||
  e2e_fail "the example step did not build against the installed SDK: $(tail -5 "$E2E_WORK/step.log")"
step_dir=$(dirname "$(find "$E2E_WORK/step-build" -name example_job_env.so | head -n 1)")
[ -f "$step_dir/example_job_env.so" ] || e2e_fail "no example_job_env.so was built"
chmod 0755 "$step_dir" "$step_dir/example_job_env.so"

e2e_start_sim
e2e_write_config bash 2 "    step_options:
      example-job-env: {path: /etc/lxdrunner-job.env}"
sed -i -e 's/^    provisioner: bash$/    provisioners: [example-job-env, bash]/' \
  -e "s|^plugin_dirs: \[ \"$E2E_PLUGINS\" \]|plugin_dirs: [ \"$E2E_PLUGINS\", \"$step_dir\" ]|" \
  "$E2E_WORK/config.yml"
grep -q "provisioners: \[example-job-env, bash\]" "$E2E_WORK/config.yml" || e2e_fail "config not rewritten"
e2e_start_daemon
job=$(e2e_queue_job)
[ -n "$job" ] || e2e_fail "no job id"
e2e_expect_served "$job"

# The step ran first, on the job's instance, and saw the job's repository and labels.
grep -qF "example-job-env: wrote /etc/lxdrunner-job.env (0600, uid 1001) for job $job of $E2E_REPO [self-hosted,linux,e2e]" \
  "$E2E_WORK/job.txt" || e2e_fail "the step's line is not in the job's log:
$(cat "$E2E_WORK/job.txt")"
grep -qE "lxdrunner: step example-job-env done in [0-9]+ ms" "$E2E_WORK/job.txt" ||
  e2e_fail "no step timing in the job's log"
step_at=$(grep -n "example-job-env: wrote" "$E2E_WORK/job.txt" | head -n 1 | cut -d: -f1)
bash_at=$(grep -n "^\[bash\]" "$E2E_WORK/job.txt" | head -n 1 | cut -d: -f1)
[ -n "$bash_at" ] && [ "$step_at" -lt "$bash_at" ] || e2e_fail "the step did not run before bash"
echo "ok [step-provisioner]: job $job ran on $E2E_RUNNER after example-job-env; $(e2e_phase_times "$job")"
e2e_stop_daemon
e2e_check_no_secrets
