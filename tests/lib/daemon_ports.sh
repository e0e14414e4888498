# SPDX-License-Identifier: Apache-2.0
# Sourced by the tests that start the daemon: they give it web_port: 0 (and operator_api.port:
# 0), so the system picks free ports when the daemon binds them and no test can take another's
# port between choosing and binding it. The daemon writes the ports it bound to
# <state_dir>/ports (docs/configuration.md, "The ports file").

# daemon_port STATE_DIR PID KEY [SECONDS]: prints KEY's value (web_port, operator_api_port)
# once the daemon PID has written the file. Fails when the daemon exits first, when the file
# lacks KEY, or after SECONDS (default 30).
daemon_port() {
  local file=$1/ports pid=$2 key=$3 limit=${4:-30}
  local end=$((SECONDS + limit)) value
  while [ "$SECONDS" -le "$end" ]; do
    # A daemon killed with SIGKILL leaves its file behind: only this daemon's counts.
    if [ -f "$file" ] && [ "$(sed -n 's/^pid=//p' "$file")" = "$pid" ]; then
      value=$(sed -n "s/^$key=//p" "$file")
      [ -n "$value" ] || return 1
      echo "$value"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
