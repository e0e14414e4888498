#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# doctor_github_test.sh LXDRUNNER GITHUB_SIM PLUGIN_DIR TEST_PLUGIN_DIR TARBALL
# `lxdrunner webhook install` and the GitHub half of `lxdrunner doctor` against the github-sim
# program, with the test backend (no LXD): create, idempotent second run, URL and secret
# changes (proven by the daemon accepting the new signature), a missing webhook, a rejected
# PAT, and a GitHub App.
set -uo pipefail
DT_BIN=$1 DT_SIM=$2 plugins=$3 test_plugins=$4 DT_TARBALL=$5
DT_WORK=$(mktemp -d)
. "$(dirname "$0")/doctor_lib.sh"
trap dt_cleanup EXIT

dt_start_sim
entry='    image: lxdrunner-test
    backend: test-backend
    provisioner: test-provisioner'
dirs="\"$plugins\", \"$test_plugins\""
dt_write_config config.yml "" "$entry" "$dirs"
cfg=(--config "$DT_WORK/config.yml")
# The daemon that receives the webhook, with a new secret (see 4.). It runs from the start:
# its port, chosen by the system, is the webhook's URL.
DT_HOOKSECRET=doctor-rotated-secret-never-printed
dt_write_config config2.yml "" "$entry" "$dirs"
dt_start_daemon config2.yml
dt_wait_runner_cache

# Usage errors.
dt_run webhook install "${cfg[@]}" --url "$DT_HOOK_URL"
dt_expect_rc 64
dt_run webhook install "${cfg[@]}" --repo "$DT_REPO"
dt_expect_rc 64

# 1. Created: exactly one hook, with GitHub's settings for lxdrunner.
dt_run webhook install "${cfg[@]}" --repo "$DT_REPO" --url "$DT_HOOK_URL"
dt_expect_rc 0
dt_expect_line "^created webhook [0-9]+ on repos/$DT_REPO: workflow_job events to $DT_HOOK_URL"
[ "$(dt_hook_count)" = 1 ] || dt_fail "expected one hook, got: $(dt_hooks)"
hook=$(dt_hooks | grep -o '"id": *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
dt_hooks | tr -d ' \n' | grep -q '"events":\["workflow_job"\]' || dt_fail "events: $(dt_hooks)"
dt_hooks | tr -d ' \n' | grep -q '"content_type":"json"' || dt_fail "content type: $(dt_hooks)"
dt_hooks | tr -d ' \n' | grep -q '"active":true' || dt_fail "not active: $(dt_hooks)"

# 2. A second run changes nothing and says so.
dt_run webhook install "${cfg[@]}" --repo "$DT_REPO" --url "$DT_HOOK_URL"
dt_expect_rc 0
dt_expect_line "^webhook $hook on repos/$DT_REPO already sends .*: nothing changed$"
[ "$(dt_hook_count)" = 1 ] || dt_fail "the second run added a hook: $(dt_hooks)"
curl -sf "$DT_SIM_URL/_sim/state" | tr -d ' \n' | grep -q '"PATCH/{scope}/hooks/{hook_id}"' &&
  dt_fail "the second run sent a PATCH"

# 3. The daemon moved: same path, new URL -> the same hook is updated.
moved_url="http://127.0.0.1:$DT_PORT/hooks/lxdrunner"
dt_run webhook install "${cfg[@]}" --repo "$DT_REPO" --url "$moved_url"
dt_expect_rc 0
dt_expect_line "^updated webhook $hook on repos/$DT_REPO \($moved_url\): url \(was $DT_HOOK_URL\)$"
[ "$(dt_hook_count)" = 1 ] || dt_fail "the URL change added a hook: $(dt_hooks)"
dt_hooks | grep -q "\"url\": *\"$moved_url\"" || dt_fail "URL not changed: $(dt_hooks)"

# 4. A new secret: the daemon (with the new secret) rejects deliveries until the hook is
#    updated, then accepts them.
dt_ping_and_flush "$hook"
[ "$(dt_last_delivery_code "$hook")" = 401 ] || dt_fail "old secret: delivery got $(dt_last_delivery_code "$hook")"
dt_run webhook install --config "$DT_WORK/config2.yml" --repo "$DT_REPO" --url "$moved_url"
dt_expect_rc 0
dt_expect_line "^updated webhook $hook on repos/$DT_REPO \($moved_url\): secret$"
grep -q "$DT_HOOKSECRET" "$DT_WORK/out" && dt_fail "the new secret was printed"
dt_ping_and_flush "$hook"
[ "$(dt_last_delivery_code "$hook")" = 200 ] || dt_fail "new secret: delivery got $(dt_last_delivery_code "$hook")"
dt_run webhook install --config "$DT_WORK/config2.yml" --repo "$DT_REPO" --url "$moved_url"
dt_expect_line "nothing changed$"

# 5. The doctor on this setup: GitHub, webhook and runner cache all ok.
dt_run doctor --config "$DT_WORK/config2.yml"
dt_expect_line "^ok +github credentials: PAT accepted"
dt_expect_line "^ok +webhook repos/$DT_REPO: hook $hook sends workflow_job to $moved_url$"
dt_expect_line "^ok +runner cache linux/x64: runner 2.999.0 cached and current"
dt_expect_line "^ok +backend 'test-backend'"
dt_expect_no_line "lxd remote"
# The first deliveries (before the secret matched) failed: a warning, not a failure.
dt_expect_line "^warn +webhook repos/$DT_REPO: deliveries: [0-9]+ of the last [0-9]+ deliveries failed; the newest succeeded"
dt_expect_no_line "^FAIL"
dt_expect_rc 0
dt_run doctor --config "$DT_WORK/config2.yml" --json
dt_expect_rc 0
grep -q '"ok":true' "$DT_WORK/out" || dt_fail "JSON without ok:true"
dt_stop_daemon

# 6. The newest delivery failed (nobody listens): FAIL.
dt_ping_and_flush "$hook"
dt_run doctor --config "$DT_WORK/config2.yml"
dt_expect_rc 1
dt_expect_line "^FAIL +webhook repos/$DT_REPO: deliveries: .*the newest: failed to connect to host"

# 7. No webhook.
curl -sf -X DELETE -H "Authorization: Bearer $DT_PAT" "$DT_SIM_URL/repos/$DT_REPO/hooks/$hook" ||
  dt_fail "cannot delete the hook"
dt_run doctor --config "$DT_WORK/config2.yml"
dt_expect_rc 1
dt_expect_line "^FAIL +webhook repos/$DT_REPO: no webhook sends to a URL ending in /hooks/lxdrunner -> run 'lxdrunner webhook install --repo $DT_REPO"
dt_run doctor --config "$DT_WORK/config2.yml" --repo octo/elsewhere
dt_expect_line "^FAIL +webhook repos/octo/elsewhere: no webhook"

# 8. A PAT the simulator rejects.
dt_write_config badpat.yml "pat: ghp_not_a_token_the_simulator_knows" "$entry" "$dirs"
dt_run doctor --config "$DT_WORK/badpat.yml"
dt_expect_rc 1
dt_expect_line "^FAIL +github credentials: GitHub rejected the PAT \(401 Bad credentials\) -> create a new token"
dt_expect_line "^warn +webhook: not checked"
grep -q ghp_not_a_token "$DT_WORK/out" && dt_fail "the rejected PAT was printed"

# 9. Runner groups: those the runnermap names exist in the --org organisation.
curl -sf -X POST "$DT_SIM_URL/_sim/runner-groups" -H 'Content-Type: application/json' \
  -d '{"org":"acme","name":"ci-fleet"}' >/dev/null || dt_fail "cannot declare a runner group"
grouped="$entry
    runner_group: CI-Fleet"
dt_write_config groups.yml "" "$grouped" "$dirs"
dt_run doctor --config "$DT_WORK/groups.yml"
dt_expect_line "^warn +runner groups: not checked: no organisation to look in"
dt_run doctor --config "$DT_WORK/groups.yml" --org acme
dt_expect_line "^ok +runner group 'CI-Fleet' of acme: id [0-9]+ \(runnermap entry"
dt_run doctor --config "$DT_WORK/groups.yml" --org other
dt_expect_rc 1
dt_expect_line "^FAIL +runner group 'CI-Fleet' of other: .*no such group \(the organisation has: Default\)"

# 10. A GitHub App: JWT, installation token and its permissions; the App's own hook.
if command -v openssl >/dev/null; then
  openssl genrsa -out "$DT_WORK/app.pem" 2048 2>/dev/null
  openssl rsa -in "$DT_WORK/app.pem" -pubout -out "$DT_WORK/app.pub" 2>/dev/null
  chmod 600 "$DT_WORK/app.pem"
  kill "$DT_SIM_PID"; wait "$DT_SIM_PID" 2>/dev/null
  dt_start_sim --app-id 4242 --app-public-key "$DT_WORK/app.pub" \
    --webhook-url "http://127.0.0.1:9/hooks/lxdrunner"
  app="github_app: { app_id: 4242, installation_id: 7, private_key: { file: $DT_WORK/app.pem } }"
  dt_write_config app.yml "$app" "$entry" "$dirs"
  sed -i '/^  poll:/,/^    interval/d; /runner_downloads_scope/d; /^dispatcher:/d' "$DT_WORK/app.yml"
  dt_run doctor --config "$DT_WORK/app.yml"
  dt_expect_line "^ok +github credentials: GitHub App '.*' \(id 4242\) accepted"
  dt_expect_line "^ok +github app installation 7: token issued; administration: write"
  dt_expect_line "^ok +webhook of the GitHub App: sends to http://127.0.0.1:9/hooks/lxdrunner"
  # The wrong key: the simulator rejects the JWT.
  openssl genrsa -out "$DT_WORK/other.pem" 2048 2>/dev/null
  chmod 600 "$DT_WORK/other.pem"
  sed -i "s#$DT_WORK/app.pem#$DT_WORK/other.pem#" "$DT_WORK/app.yml"
  dt_run doctor --config "$DT_WORK/app.yml"
  dt_expect_rc 1
  dt_expect_line "^FAIL +github credentials: GitHub rejected the App's JWT \(401"
else
  echo "warning: no openssl command: the GitHub App case was skipped"
fi
echo "ok: webhook install and doctor against github-sim"
