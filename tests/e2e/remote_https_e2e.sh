#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A remote LXD added once with `lxc remote add` serves a job over HTTPS with verified
# certificates: this machine's LXD, listening on loopback, trusted through a trust token in a
# private lxc configuration directory ($LXD_CONF), named in config.yml by its name and
# address only. Then: a wrong server certificate is one line naming the remote and both
# fingerprints; `lxdrunner remote add` does the trust exchange without lxc, into a directory
# lxc itself can use.
#   remote_https_e2e.sh BIN SIM PLUGINS TARBALL SRC
set -uo pipefail
E2E_BIN=$1 E2E_SIM=$2 E2E_PLUGINS=$3 E2E_TARBALL=$4 E2E_SRC=$5
E2E_WORK=$(mktemp -d)
E2E_PREFIX=lxdrt-https-$$
source "$E2E_SRC/tests/e2e/e2e_lib.sh"

LXC_DIR=$E2E_WORK/lxc            # lxc's configuration for this test only (LXD_CONF)
TOOL_DIR=$E2E_WORK/lxc-by-lxdrunner
TRUST_NAMES=("lxdrt-https-$$-lxc" "lxdrt-https-$$-tool")
SET_ADDRESS=

# Trust entries and unused tokens this test made, and the listener if it set it.
remove_trust() {
  local dir name
  for dir in "$LXC_DIR" "$TOOL_DIR"; do
    [ -f "$dir/client.crt" ] || continue
    lxc config trust remove "$(openssl x509 -in "$dir/client.crt" -outform DER | sha256sum | cut -c1-64)" >/dev/null 2>&1 || true
  done
  for name in "${TRUST_NAMES[@]}"; do
    lxc config trust revoke-token "$name" >/dev/null 2>&1 || true
  done
  if [ -n "$SET_ADDRESS" ]; then lxc config unset core.https_address >/dev/null 2>&1 || true; fi
}
trap 'e2e_cleanup; remove_trust; [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_WORK"' EXIT

command -v openssl >/dev/null || e2e_fail "the openssl command is needed"

# LXD on loopback: 127.0.0.1:8443 unless it already listens somewhere (then on that port).
address=$(lxc config get core.https_address)
if [ -z "$address" ]; then
  lxc config set core.https_address 127.0.0.1:8443 || e2e_fail "cannot make LXD listen on 127.0.0.1:8443"
  SET_ADDRESS=1
  address=127.0.0.1:8443
fi
URL=https://127.0.0.1:${address##*:}
e2e_wait 10 curl -sk -o /dev/null "$URL/1.0" || e2e_fail "LXD does not answer at $URL"

token() {  # a trust token named $1; the last line of what lxc prints
  lxc config trust add --name "$1" 2>&1 | tail -n 1
}

# 1. As LXD's users do it, in a configuration directory of this test's own.
mkdir -m 0700 "$LXC_DIR"
LXD_CONF=$LXC_DIR lxc remote add far "$(token "${TRUST_NAMES[0]}")" >"$E2E_WORK/lxc-remote.txt" 2>&1 ||
  e2e_fail "lxc remote add: $(cat "$E2E_WORK/lxc-remote.txt")"
grep -q "addr: $URL" "$LXC_DIR/config.yml" || e2e_fail "lxc recorded another address: $(cat "$LXC_DIR/config.yml")"
[ -f "$LXC_DIR/servercerts/far.crt" ] || e2e_fail "lxc stored no server certificate"

e2e_start_sim
e2e_write_config bash 2 "    remotes: [ far ]" "lxc_config_dir: $LXC_DIR
remotes:
  far:
    addr: $URL"
"$E2E_BIN" check-config --config "$E2E_WORK/config.yml" >"$E2E_WORK/effective.yml" 2>"$E2E_WORK/check.txt" ||
  e2e_fail "check-config: $(cat "$E2E_WORK/check.txt")"
e2e_start_daemon
job=$(e2e_queue_job)
[ -n "$job" ] || e2e_fail "no job id"
e2e_expect_served "$job"
grep -qE "launched container $E2E_PREFIX-$job-[0-9a-z]+ on remote 'far'" "$E2E_WORK/daemon.log" ||
  e2e_fail "job $job was not launched on remote 'far'"
echo "ok [remote-https]: job $job ran on $E2E_RUNNER through remote 'far' ($URL); $(e2e_phase_times "$job")"
e2e_stop_daemon
e2e_check_no_secrets
if grep -q "PRIVATE KEY" "$E2E_WORK/daemon.log" "$E2E_WORK/effective.yml"; then
  e2e_fail "the client key reached the log or check-config's output"
fi

# 2. Another server answering at that address: refused, in one line naming both.
real=$(openssl x509 -in "$LXC_DIR/servercerts/far.crt" -outform DER | sha256sum | cut -c1-64)
cp "$LXC_DIR/servercerts/far.crt" "$E2E_WORK/far.crt.real"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=impostor -keyout /dev/null -out "$LXC_DIR/servercerts/far.crt" >/dev/null 2>&1
pinned=$(openssl x509 -in "$LXC_DIR/servercerts/far.crt" -outform DER | sha256sum | cut -c1-64)
: >"$E2E_WORK/daemon.log"
e2e_start_daemon
expected="remote 'far' ($URL): the server presented certificate $real, but the one pinned in lxc's configuration $LXC_DIR is $pinned"
e2e_wait 20 grep -qF "$expected" "$E2E_WORK/daemon.log" ||
  e2e_fail "no line naming the remote and both fingerprints"
echo "ok [remote-https]: a wrong server certificate: $(grep -F "$expected" "$E2E_WORK/daemon.log" | head -n 1 | cut -c1-400)"
e2e_stop_daemon
cp "$E2E_WORK/far.crt.real" "$LXC_DIR/servercerts/far.crt"

# 3. Without lxc: lxdrunner remote add, into a directory lxc then uses as its own.
"$E2E_BIN" remote add far2 "$URL" --token "$(token "${TRUST_NAMES[1]}")" --lxc-config-dir "$TOOL_DIR" \
  >"$E2E_WORK/tool.txt" 2>&1 || e2e_fail "lxdrunner remote add: $(cat "$E2E_WORK/tool.txt")"
echo "ok [remote-https]: $(cat "$E2E_WORK/tool.txt")"
[ "$(stat -c %a "$TOOL_DIR/client.key")" = 600 ] || e2e_fail "the new client key is not mode 600"
LXD_CONF=$TOOL_DIR lxc info far2: 2>&1 | grep -q "auth: trusted" ||
  e2e_fail "lxc does not find a trusted remote far2 in $TOOL_DIR: $(LXD_CONF=$TOOL_DIR lxc info far2: 2>&1 | head -n 3)"
e2e_write_config bash 2 "    remotes: [ far2 ]" "lxc_config_dir: $TOOL_DIR
remotes:
  far2:
    addr: $URL"
"$E2E_BIN" check-config --config "$E2E_WORK/config.yml" >/dev/null 2>"$E2E_WORK/check.txt" ||
  e2e_fail "check-config with the remote lxdrunner added: $(cat "$E2E_WORK/check.txt")"
echo "ok [remote-https]: the remote lxdrunner added is trusted, found by lxc and by lxdrunner"
