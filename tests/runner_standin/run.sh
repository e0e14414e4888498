#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run.sh of the stand-in GitHub Actions runner (see README.md next to it): connects to the
# GitHub simulator, takes one job (an ephemeral or JIT runner) and reports it.
#   ./run.sh                      a runner registered by config.sh
#   ./run.sh --jitconfig CONFIG   or ACTIONS_RUNNER_INPUT_JITCONFIG=CONFIG ./run.sh
# Unlike the real run.sh it does not relaunch the listener after a retryable error (exit 2):
# tests want to see it.
# For benchmarks: when the runner's process started (the session request reports it).
[ -z "${EPOCHREALTIME:-}" ] || export STANDIN_PROCESS_STARTED_US=${EPOCHREALTIME//[!0-9]/}
# Relative is fine: Runner.Listener makes its own path absolute (no subshell here either).
runner_root=${BASH_SOURCE[0]%/*}
[ "$runner_root" != "${BASH_SOURCE[0]}" ] || runner_root=.
exec "$runner_root/bin/Runner.Listener" run "$@"
