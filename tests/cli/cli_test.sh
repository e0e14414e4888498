#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cli_test.sh CASE LXDRUNNER_BINARY SOURCE_DIR TEST_PLUGIN_DIR MARKER_PLUGIN_DIR — one CLI
# scenario per call.
set -uo pipefail
case_name=$1 bin=$2 src=$3 plugins=$4 marker_plugins=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# Keep the search order from finding a config or plugins on the machine running the tests
# (an installed copy of lxd-container would defeat run-missing-plugin).
export XDG_CONFIG_HOME="$work/xdg" LXDRUNNER_PLUGIN_PATH="" LXDRUNNER_NO_INSTALLED_PLUGINS=1
unset LXDRUNNER_CONFIG

. "$src/tests/lib/daemon_ports.sh"

fail() { echo "FAIL [$case_name]: $*"; echo "--- stdout:"; cat out 2>/dev/null; echo "--- stderr:"; cat err 2>/dev/null; exit 1; }
run() { "$bin" "$@" >out 2>err; echo $?; }
expect_rc() { [ "$1" = "$2" ] || fail "exit code $1, expected $2"; }
expect_in() { grep -qF -- "$2" "$1" || fail "'$2' not in $1"; }

case $case_name in
version)
  expect_rc "$(run --version)" 0
  grep -qE '^lxdrunner [0-9]+\.[0-9]+\.[0-9]+ \(plugin ABI 1\.1\)$' out || fail "bad version line"
  ;;
help)
  expect_rc "$(run --help)" 0
  for w in check-config plugins --config --log-level LXDRUNNER_CONFIG; do expect_in out "$w"; done
  ;;
unknown-command)
  expect_rc "$(run frobnicate)" 64
  expect_in err "unknown command 'frobnicate'"
  ;;
remote-add-refusals)
  # Every refusal is one line, before anything is written or sent.
  expect_rc "$(run remote add far https://127.0.0.1:1)" 64
  expect_in err "usage: lxdrunner remote add NAME URL --token TOKEN"
  expect_rc "$(run remote add far http://127.0.0.1:1 --token x --lxc-config-dir "$work/lxc")" 1
  expect_in err "lxdrunner remote add far: the address must be an https:// URL"
  expect_rc "$(run remote add far https://127.0.0.1:1 --token not-a-token --lxc-config-dir "$work/lxc")" 1
  expect_in err "lxdrunner remote add far: the token is not an LXD trust token"
  [ "$(wc -l <err)" = 1 ] || fail "more than one line"
  [ ! -e "$work/lxc" ] || fail "wrote $work/lxc although the token was refused"
  # A well-formed token for a server that is not there: nothing is trusted, so nothing
  # is recorded, but the client certificate is made (mode 600 key), as lxc does.
  token=$(printf '{"client_name":"x","fingerprint":"%s","addresses":["127.0.0.1:1"],"secret":"s","expires_at":"0001-01-01T00:00:00Z"}' \
    "$(printf 'a%.0s' $(seq 64))" | base64 -w0)
  expect_rc "$(run remote add far https://127.0.0.1:1 --token "$token" --lxc-config-dir "$work/lxc")" 1
  expect_in err "lxdrunner remote add far: cannot connect to remote 'far' at https://127.0.0.1:1"
  [ "$(stat -c %a "$work/lxc/client.key")" = 600 ] || fail "the client key is not mode 600"
  grep -q "BEGIN CERTIFICATE" "$work/lxc/client.crt" || fail "no client certificate"
  [ ! -e "$work/lxc/config.yml" ] || fail "recorded a remote that was never trusted"
  ;;
check-config-example)
  # The example passes (the package's CI checks the installed one), but each placeholder
  # secret left in it is pointed out: the daemon refuses them.
  cfg="$src/config/lxdrunner.example.yml"
  expect_rc "$(run check-config --config "$cfg")" 0
  expect_in out "valid (0 configuration warning(s), 2 placeholder secret(s))"
  expect_in out "runnermap:"
  [ "$(grep -c "placeholder" err)" = 2 ] || fail "expected one line per placeholder"
  expect_in err "$cfg: warning: pat: is still the example's placeholder ('replace-with-...')"
  expect_in err "$cfg: warning: hooksecret: is still the example's placeholder"
  expect_in err "'lxdrunner run' refuses to start until then"
  # The example's placeholder secrets are masked in the effective configuration.
  if grep -q "replace-with-your" out err; then fail "a secret was printed"; fi
  ;;
run-placeholder-secrets)
  # A file copied from the example and not finished: the daemon, doctor and webhook install
  # refuse it, one line per placeholder, before touching LXD or GitHub.
  cfg="$src/config/lxdrunner.example.yml"
  expect_rc "$(run run --config "$cfg")" 1
  expect_in err "Fatal [daemon] $cfg: pat: is still the example's placeholder ('replace-with-...')"
  expect_in err "$cfg: hooksecret: is still the example's placeholder"
  if grep -q "is not installed\|listening on" err; then fail "the daemon went on starting"; fi
  expect_rc "$(run webhook install --config "$cfg" --repo octo/repo --url http://127.0.0.1:9/h)" 1
  expect_in err "$cfg: hooksecret: is still the example's placeholder"
  expect_rc "$(run doctor --config "$cfg")" 1
  expect_in err "$cfg: pat: is still the example's placeholder"
  # Enabled, the operator API's placeholder token counts too.
  sed -e 's/^  enabled: false/  enabled: true/' -e 's/replace-with-your-[a-z-]*/not-a-placeholder/' \
    "$cfg" >config.yml
  expect_rc "$(run run)" 1
  expect_in err "operator_api.token: is still the example's placeholder"
  [ "$(grep -c "placeholder" err)" = 1 ] || fail "expected the token's line alone"
  ;;
check-config-source-hooksecret)
  # An event source's own hooksecret is a secret: masked like the top-level one.
  sed -e 's/replace-with-[a-z-]*/not-a-placeholder/' \
    -e 's|^    path: /hooks/lxdrunner|&\n    hooksecret: "per-source-secret-for-cli-tests"|' \
    "$src/config/lxdrunner.example.yml" >config.yml
  grep -q per-source-secret config.yml || fail "the test did not write the secret"
  expect_rc "$(run check-config)" 0
  expect_in out 'hooksecret: "****"'
  if grep -q "per-source-secret" out err; then fail "the per-source hooksecret was printed"; fi
  ;;
check-config-three-mistakes)
  cfg="$src/tests/cli/data/three-mistakes.yml"
  expect_rc "$(run check-config --config "$cfg")" 1
  [ "$(grep -c ': error: ' err)" = 3 ] || fail "expected exactly 3 errors"
  expect_in err "$cfg:6:1: error: max_worker:"
  expect_in err "did you mean 'max_workers'"
  expect_in err "$cfg:7:11: error: web_port:"
  expect_in err "$cfg:13:11: error: runnermap[0].type:"
  [ ! -s out ] || fail "nothing should go to stdout"
  ;;
tls-without-certificate)
  # web_tls is true by default (and in the original lxdrunner's files): without a certificate
  # check-config fails and the daemon refuses to start, both with the one line naming the two
  # ways out, before either touches LXD or GitHub.
  sed -e 's/replace-with-[a-z-]*/not-a-placeholder/' -e '/^web_tls: false$/d' \
    "$src/config/lxdrunner.example.yml" >config.yml
  grep -q '^web_tls' config.yml && fail "the test did not remove web_tls"
  line="error: web_tls: web_tls is true but web_tls_cert and web_tls_key are not set: set both (a certificate and its key), or set web_tls: false behind a TLS-terminating proxy"
  expect_rc "$(run check-config)" 1
  [ "$(grep -c ': error: ' err)" = 1 ] || fail "expected exactly one error"
  expect_in err "./config.yml:"
  expect_in err "$line"
  [ ! -s out ] || fail "nothing should go to stdout"
  expect_rc "$(run run)" 1
  expect_in err "$line"
  if grep -q "is not installed\|listening on" err; then fail "the daemon went on starting"; fi
  ;;
check-config-missing)
  expect_rc "$(run check-config)" 1
  expect_in err "no configuration file found"
  expect_in err "./config.yml"
  expect_in err "/etc/lxdrunner/config.yml"
  ;;
plugins-list)
  expect_rc "$(LXDRUNNER_PLUGIN_PATH="$plugins" run plugins)" 1
  expect_in out "test-backend"
  grep -qE '^test-provisioner +provisioner +2\.1\.0 +1\.1 +.*/test_good\.so$' out || fail "bad row"
  for f in test_wrong_major test_newer_minor test_no_entry; do
    [ "$(grep -c "^plugin .*/$f.so: " err)" = 1 ] || fail "expected one line for $f"
  done
  LXDRUNNER_PLUGIN_PATH="$plugins" "$bin" plugins --json >out 2>err
  expect_in out '"name":"test-source","kind":"event-source","version":"0.3.0","abi":"1.1"'
  ;;
run-missing-plugin)
  # The example, finished: its plugins are not in any searched directory (an installed copy
  # is left out by LXDRUNNER_NO_INSTALLED_PLUGINS).
  sed -e 's/replace-with-[a-z-]*/not-a-placeholder/' "$src/config/lxdrunner.example.yml" >config.yml
  expect_rc "$(run)" 1
  expect_in err "plugin 'lxd-container' is not installed (searched:"
  ;;
run-daemon-events)
  sed -e "s|@PLUGIN_DIR@|$plugins|" -e "s|@STATE_DIR@|$work/state|" \
    "$src/tests/cli/data/test-plugins.yml.in" >config.yml
  "$bin" >out 2>err &
  pid=$!
  trap 'kill -9 "$pid" 2>/dev/null' EXIT  # a failed check must not leave the daemon running
  port=$(daemon_port "$work/state" "$pid" web_port) || fail "the daemon wrote no ports file"
  for _ in $(seq 100); do grep -q "job 9007199254740993 queued" err && break; sleep 0.1; done
  expect_in err "job 9007199254740993 queued in octo/repo for entry 'Test Runner' (from test-source)"
  for _ in $(seq 100); do grep -q "runner started for job 9007199254740993" err && break; sleep 0.1; done
  grep -Eq "instance lxdrunner-9007199254740993-1[a-z0-9]{4} on main: runner started for job 9007199254740993" err ||
    fail "the job's instance was not launched and provisioned"
  expect_in err "started with ./config.yml"
  expect_in err "listening on http://127.0.0.1:$port"
  [ "$(curl -s "http://127.0.0.1:$port/healthz")" = ok ] || fail "/healthz did not answer ok"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")" = 404 ] || fail "no 404"
  kill -TERM "$pid"
  wait "$pid"
  expect_rc $? 0
  expect_in err "stopping"
  [ ! -e "$work/state/ports" ] || fail "the ports file outlived the daemon"
  if grep -q "fake_github_pat_for_cli_tests" err out; then fail "the PAT reached the log"; fi
  # test-source logs the hooksecret it was given (a careless plugin): redacted, as every secret.
  expect_in err "careless plugin logs its hooksecret: ****"
  if grep -q "per-source-hooksecret-for-cli-tests" err out; then fail "the hooksecret reached the log"; fi
  ;;
check-config-chain)
  # A chain of provisioners: only the plugins' descriptors say which are steps, so
  # check-config loads them (from trusted files) to refuse a chain that cannot run.
  base=$(sed -e "s|@PLUGIN_DIR@|$plugins|" -e "s|@STATE_DIR@|$work/state|" \
    -e '/provisioner: test-provisioner/d' "$src/tests/cli/data/test-plugins.yml.in")
  printf '%s\n    provisioners: [test-step, test-provisioner]\n' "$base" >good.yml
  expect_rc "$(run check-config --config good.yml)" 0
  expect_in out "provisioners: [test-step, test-provisioner]"
  printf '%s\n    provisioners: [test-provisioner, test-step]\n' "$base" >bad.yml
  expect_rc "$(run check-config --config bad.yml)" 1
  expect_in err "bad.yml: error: runnermap entry 'Test Runner': provisioner 'test-provisioner' starts a runner, so it can only be the last of provisioners"
  printf '%s\n    provisioners: [test-step, test-step-missing]\n' "$base" >unknown.yml
  expect_rc "$(run check-config --config unknown.yml)" 0
  expect_in err "provisioner 'test-step-missing' is not in the plugin directories here"
  ;;
no-plugin-code)
  # Someone else's directory: a config.yml whose plugin_dirs holds a library that records
  # being loaded. Commands that need no plugin must not run its code (sudo lxdrunner status).
  cat >config.yml <<YAML
pat: "fake_github_pat_for_cli_tests"
hooksecret: "fake_webhook_secret_for_cli_tests"
github_api_url: http://127.0.0.1:9
web_tls: false
plugin_dirs: [ "$marker_plugins" ]
state_dir: "$work/state"
operator_api: { enabled: true, token: "fake_operator_token_for_cli_tests", port: 9 }
runnermap:
  - { name: r, labels: [self-hosted], image: i, type: container, runner_os: linux, runner_arch: x64 }
YAML
  export LXDRUNNER_TEST_LOAD_MARKER="$work/loaded"
  for command in "status" "jobs" "job 1" "instances" "devices" "drain r" "resume r" "check-config" \
    "--version" "--help" "webhook install --repo octo/repo --url http://127.0.0.1:9/hooks" \
    "frobnicate"; do
    # shellcheck disable=SC2086 # the command's words
    "$bin" $command >out 2>err
    [ ! -e loaded ] || fail "'lxdrunner $command' loaded a plugin"
  done
  expect_in err "unknown command 'frobnicate'"  # the loop did run the commands
  # The test can see loading: `plugins` loads what plugin_dirs holds.
  "$bin" plugins >out 2>err
  [ -e loaded ] || fail "'lxdrunner plugins' did not load the marker library: the test is blind"
  ;;
*) echo "unknown case $case_name"; exit 2 ;;
esac
echo "ok [$case_name]"
