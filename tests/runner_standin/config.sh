#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# config.sh of the stand-in GitHub Actions runner (see README.md next to it): registers the
# runner with the GitHub simulator and writes .runner/.credentials, as actions/runner's does.
#   ./config.sh --unattended --url URL --token TOKEN [--name N] [--labels a,b] [--ephemeral]
#               [--replace] [--work DIR] [--runnergroup G] [--disableupdate] [--no-default-labels]
#   ./config.sh remove --token TOKEN
runner_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Same rule and message as the real script: root needs RUNNER_ALLOW_RUNASROOT.
if [ "$(id -u)" -eq 0 ] && [ -z "${RUNNER_ALLOW_RUNASROOT:-}" ]; then
  echo "Must not run with sudo"
  exit 1
fi

if [ "${1:-}" = remove ]; then
  shift
  exec "$runner_root/bin/Runner.Listener" remove "$@"
fi
exec "$runner_root/bin/Runner.Listener" configure "$@"
