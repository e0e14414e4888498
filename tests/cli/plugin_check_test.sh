#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# plugin_check_test.sh CASE LXDRUNNER SOURCE_DIR PLUGINS_OUT TEST_PLUGIN_DIR BROKEN_PLUGIN_DIR
# `lxdrunner plugin-check` on every plugin lxdrunner ships (all pass) and on every broken
# test plugin (each fails with one FAIL line naming its file).
set -uo pipefail
case_name=$1 bin=$2 src=$3 shipped=$4 test_plugins=$5 broken=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export XDG_CONFIG_HOME="$work/xdg" LXDRUNNER_PLUGIN_PATH="" LXDRUNNER_NO_INSTALLED_PLUGINS=1
unset LXDRUNNER_CONFIG

failures=0
fail() { echo "FAIL [$case_name]: $*"; failures=$((failures + 1)); }
check() { # FILE EXPECTED_RC [SETTINGS]: runs plugin-check, prints its lines, sets OUT and RC
  local args=(plugin-check "$1")
  [ -n "${3:-}" ] && args+=(--settings "$3")
  OUT=$("$bin" "${args[@]}" 2>&1)
  RC=$?
  printf '%s\n' "$OUT"
  [ "$RC" = "$2" ] || fail "$1: exit $RC, expected $2"
}
fail_lines() { grep -c '^FAIL ' <<<"$OUT"; }

case $case_name in
shipped)
  # What a packager passes: the setup script the provisioners push, from this tree.
  cat >"$work/settings.yml" <<YAML
bash: {default_setup_script: $src/config/runner-setup.sh}
image: {default_setup_script: $src/config/runner-setup.sh}
disk-mount: {default_setup_script: $src/config/runner-setup.sh}
YAML
  for f in "$shipped"/*.so; do
    check "$f" 0 "$work/settings.yml"
    [ "$(fail_lines)" = 0 ] || fail "$f: FAIL lines"
    grep -q "^ok   $f: symbols: exports lxdrunner_plugin_entry only$" <<<"$OUT" ||
      fail "$f: exports more than its entry point"
  done
  [ "$(ls "$shipped"/*.so | wc -l)" -ge 4 ] || fail "fewer shipped plugins than expected"
  ;;
without-settings)
  # Without --settings every check that needs none runs; the bash provisioner's default
  # script path is not on this machine, so its run fails naming the setting to pass.
  check "$shipped/webhook_source.so" 0
  grep -q "webhook: start+stop: against a fake host (1 HTTP route(s)" <<<"$OUT" || fail "no smoke run"
  check "$shipped/provisioners.so" 1
  grep -q "bash: prepare: .*set plugins.bash.default_setup_script" <<<"$OUT" || fail "no hint"
  ;;
bad-settings)
  cat >"$work/settings.yml" <<'YAML'
poll: {interval: 2, repositories: [nodash]}
webhook: {path: /hooks/elsewhere}
YAML
  check "$shipped/poll_source.so" 1 "$work/settings.yml"
  grep -qF "settings.interval: must be at least 5" <<<"$OUT" || fail "interval not refused"
  grep -qF 'settings.repositories: ["nodash"] fits none of the 2 allowed forms' <<<"$OUT" ||
    fail "repositories not refused"
  ! grep -q "poll: create:" <<<"$OUT" || fail "created with settings that do not fit"
  ;;
broken)
  n=0
  for f in "$broken"/*.so "$test_plugins"/test_{wrong_major,newer_minor,no_entry,create_throws}.so; do
    n=$((n + 1))
    check "$f" 1
    [ "$(fail_lines)" = 1 ] || fail "$f: $(fail_lines) FAIL lines, expected one"
    grep -q "^FAIL $f: " <<<"$OUT" || fail "$f: the FAIL line does not name the file"
  done
  [ "$n" -ge 18 ] || fail "only $n broken plugins found"
  ;;
missing-file)
  check "$work/nothere.so" 1
  grep -q "^FAIL $work/nothere.so: load: file not found" <<<"$OUT" || fail "no load line"
  ;;
*)
  echo "unknown case $case_name"
  exit 2
  ;;
esac
[ "$failures" = 0 ] || exit 1
echo "ok [$case_name]"
