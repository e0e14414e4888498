#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016 # guest commands in single quotes expand in the guest
#
# runner_setup_lxd_test.sh SETUP_SCRIPT - runs lxdrunner's guest setup script for real in
# lxdrt- containers of the lxdrunner-test image (busybox init, no useradd/adduser), doing by
# hand with `lxc` what the provisioners do through the backend, with a fake runner whose
# run.sh records who ran it and with what, then exits.
#
#   1. tarball + JIT: user created, credential 0600/runner then gone, runner detached,
#      the instance powers off once the runner exits;
#   2. tarball + registration token: config.sh gets --url/--name/--labels/--ephemeral and the
#      token in ACTIONS_RUNNER_INPUT_TOKEN, never on a command line;
#   3. read-only disk (disk-mount): the runner runs from a writable root built over the mount;
#   4. a runner that fails at once: the script exits non-zero and says so;
#   5. warm: phase prepare arms a supervisor that waits without CPU, phase start wakes it;
#   6. warm, the armed supervisor gone: phase start starts the runner itself;
#   7. warm with a registration token: nothing is armed.
set -uo pipefail

readonly SCRIPT=${1:?usage: $0 path/to/runner-setup.sh}
readonly IMAGE=${LXDRUNNER_TEST_IMAGE_ALIAS:-lxdrunner-test}
readonly PREFIX=lxdrt-prov-$$
readonly JIT=ZmFrZS1qaXQtY29uZmlnLWZvci10ZXN0cw==
readonly TOKEN=AAAAREGISTRATIONTOKENFORTESTS

passed=0
failed=0
instances=()
WORK=$(mktemp -d /tmp/lxdrt-prov-test.XXXXXX)

cleanup() {
    local n
    for n in "${instances[@]}"; do lxc delete --force "$n" >/dev/null 2>&1; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() {
    passed=$((passed + 1))
    printf 'ok   %s\n' "$1"
}
not_ok() {
    failed=$((failed + 1))
    printf 'FAIL %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     | /'
}
check() { # DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
contains() { [[ $1 == *"$2"* ]]; }
lacks() { [[ $1 != *"$2"* ]]; }

# --- a fake actions runner: config.sh, run.sh, bin/ at the root ---------------------------
# make_fake_runner DIR EXIT HOLD: with HOLD=1 its "job" lasts until the test releases it
# (release NAME), at most 120 s: checks of a running runner never race its exit.
make_fake_runner() {
    local dir=$1 run_exit=$2 hold=$3
    mkdir -p "$dir/bin"
    cat >"$dir/run.sh" <<EOF
#!/bin/sh
# fake runner: records who runs it, with what, from where; then does its "job" and exits.
root=\$(cd "\$(dirname "\$0")" && pwd)
{
    echo "user=\$(id -un)"
    echo "jit=\${ACTIONS_RUNNER_INPUT_JITCONFIG:-none}"
    echo "pushed_credential=\$(test -e /run/lxdrunner-credential && echo present || echo gone)"
    echo "credential=\$(test -e /run/lxdrunner-runner/credential && echo present || echo gone)"
    echo "setup_variables=\$(env | grep -c '^LXDRUNNER_')"
    echo "instance_variable=\${INSTANCE_PROBE:-none}"
    echo "unnamed_variable=\${INSTANCE_SECRET:-none}"
    shown=none
    for f in /proc/[0-9]*/cmdline; do
        line=\$(tr '\0' ' ' <"\$f" 2>/dev/null) || continue
        [ -n "\${ACTIONS_RUNNER_INPUT_JITCONFIG:-}" ] && case \$line in *"\$ACTIONS_RUNNER_INPUT_JITCONFIG"*) shown="\$f" ;; esac
    done
    echo "jit_on_a_command_line=\$shown"
    echo "root=\$root"
    echo "root_writable=\$(echo x 2>/dev/null >"\$root/.runner" && echo yes || echo no)"
    echo "listener=\$("\$root/bin/Runner.Listener")"
    echo "sid=\$(cut -d' ' -f6 /proc/\$\$/stat)"
} >/tmp/fake-runner.out.tmp
mv /tmp/fake-runner.out.tmp /tmp/fake-runner.out
echo "fake runner: working"
if [ $hold = 1 ]; then
    i=0
    while [ ! -e /tmp/release-runner ] && [ \$i -lt 1200 ]; do sleep 0.1; i=\$((i + 1)); done
fi
exit $run_exit
EOF
    cat >"$dir/config.sh" <<'EOF'
#!/bin/sh
# fake config.sh: records its arguments, user and token variable, and which process command
# line (what `ps` shows anyone, on the host too) holds the token while it runs.
printf '%s\n' "$@" >/tmp/fake-config.args
id -un >/tmp/fake-config.user
echo "env_token=${ACTIONS_RUNNER_INPUT_TOKEN:-none}" >/tmp/fake-config.env
token=${ACTIONS_RUNNER_INPUT_TOKEN:-}
while [ $# -gt 0 ]; do # --token wins, as with the real runner
    [ "$1" = --token ] && [ $# -gt 1 ] && token=$2
    shift
done
shown=none
for f in /proc/[0-9]*/cmdline; do
    line=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
    [ -n "$token" ] && case $line in *"$token"*) shown="$f: $line" ;; esac
done
echo "token_on_a_command_line=$shown" >>/tmp/fake-config.env
EOF
    printf '#!/bin/sh\necho listener-ok\n' >"$dir/bin/Runner.Listener"
    echo 'not really a library' >"$dir/bin/libcoreclr.so"
    mkdir -p "$dir/externals/node20/bin"
    chmod 0755 "$dir/run.sh" "$dir/config.sh" "$dir/bin/Runner.Listener"
    chmod -R a+rX "$dir"
}

launch() {
    local name=$1
    instances+=("$name")
    lxc launch "$IMAGE" "$name" >/dev/null 2>&1 || {
        not_ok "launch $name"
        return 1
    }
    # busybox init is ready for exec almost at once; wait for rcS to have mounted /run
    local _
    for _ in $(seq 1 50); do
        lxc exec "$name" -- grep -q ' /run ' /proc/mounts 2>/dev/null && return 0
        sleep 0.1
    done
}

# push_as_provisioner NAME: what every provisioner does before running the script
push_credential() {
    local name=$1 value=$2
    printf '%s' "$value" >"$WORK/credential"
    lxc file push -q "$WORK/credential" "$name/run/lxdrunner-credential" \
        --mode 0600 --uid 1001 --gid 1001
}

run_script() { # NAME ENV...: runs the script like the bash provisioner; sets OUT and RC.
    # With RUN_STDIN set, that line is the script's standard input (else /dev/null).
    local name=$1
    shift
    # INSTANCE_PROBE and INSTANCE_SECRET stand for an entry's environment.* keys, which LXD
    # sets on every exec; only the first is named for the runner.
    local env_args=(--env "INSTANCE_PROBE=from the instance" --env "INSTANCE_SECRET=setup only"
        --env "LXDRUNNER_RUNNER_ENVIRONMENT=INSTANCE_PROBE NOT_SET LXDRUNNER_PHASE 1BAD") e
    for e in "$@"; do env_args+=(--env "$e"); done
    if [ -n "${RUN_STDIN:-}" ]; then
        OUT=$(printf '%s\n' "$RUN_STDIN" | lxc exec "$name" "${env_args[@]}" \
            --env LXDRUNNER_RUNNER_NAME="$name" --env LXDRUNNER_DEADLINE_SECONDS=120 -- \
            /var/lib/lxdrunner/runner-setup.sh 2>&1)
    else
        OUT=$(lxc exec "$name" "${env_args[@]}" --env LXDRUNNER_RUNNER_NAME="$name" \
            --env LXDRUNNER_DEADLINE_SECONDS=120 -- /var/lib/lxdrunner/runner-setup.sh 2>&1 </dev/null)
    fi
    RC=$?
}

guest() { lxc exec "$1" -- sh -c "$2" 2>&1; }

# guest_file NAME PATH [TEXT]: the file once it exists (and holds TEXT), waiting up to 30 s:
# the runner is detached, so it writes after the setup script returned, when it gets the CPU.
guest_file() {
    local _
    for _ in $(seq 1 150); do
        if lxc exec "$1" -- sh -c "grep -qF -- \"\$1\" \"\$0\"" "$2" "${3:-}" 2>/dev/null; then break; fi
        sleep 0.2
    done
    guest "$1" "cat '$2'"
}

# release NAME: ends the held fake runner's "job".
release() { lxc exec "$1" -- touch /tmp/release-runner; }

wait_stopped() { # NAME SECONDS
    local _
    for _ in $(seq 1 $(($2 * 5))); do
        [ "$(lxc list "^$1\$" -c s -f csv 2>/dev/null)" = STOPPED ] && return 0
        sleep 0.2
    done
    return 1
}

prepare_tarball_instance() { # NAME
    local name=$1
    launch "$name" || return 1
    lxc exec "$name" -- mkdir -p -m 0711 /var/lib/lxdrunner
    lxc file push -q "$SCRIPT" "$name/var/lib/lxdrunner/runner-setup.sh" --mode 0700
    lxc file push -q "$WORK/runner.tar.gz" "$name/var/lib/lxdrunner/actions-runner.tar.gz" \
        --mode 0600
}

# --- setup --------------------------------------------------------------------------------
command -v lxc >/dev/null || {
    echo "lxc not found"
    exit 1
}
lxc query /1.0 >/dev/null || {
    echo "LXD does not answer (run tests/lxd/env/lxd-test-env.sh ensure)"
    exit 1
}
make_fake_runner "$WORK/runner" 0 1
tar -czf "$WORK/runner.tar.gz" -C "$WORK/runner" .
make_fake_runner "$WORK/failing-runner" 7 0
tar -czf "$WORK/failing-runner.tar.gz" -C "$WORK/failing-runner" .

# --- 1. tarball + JIT ---------------------------------------------------------------------
echo "# tarball + JIT"
n=$PREFIX-jit
if prepare_tarball_instance "$n"; then
    push_credential "$n" "$JIT"
    run_script "$n" LXDRUNNER_RUNNER_LABELS=self-hosted,linux,x64
    check "setup script exits 0" [ "$RC" = 0 ]
    [ "$RC" = 0 ] || not_ok "setup script output" "$OUT"
    check "output never shows the JIT config" lacks "$OUT" "$JIT"
    check "the runner user was created" contains "$(guest "$n" 'grep ^runner: /etc/passwd')" \
        "runner:x:1001:1001:"
    check "the supervisor reads the JIT config as root" contains "$OUT" \
        "reads the JIT configuration from /run/lxdrunner-credential as root"
    check "the runner is running after the exec returned (detached)" \
        contains "$(guest "$n" 'test -d /proc/$(cat /var/lib/lxdrunner/runner.pid) && echo alive')" alive
    facts=$(guest_file "$n" /tmp/fake-runner.out)
    check "run.sh ran as the runner user" contains "$facts" "user=runner"
    check "run.sh got the JIT config in ACTIONS_RUNNER_INPUT_JITCONFIG" contains "$facts" "jit=$JIT"
    check "the credential was never moved for the runner" contains "$facts" "credential=gone"
    check "no command line held the JIT config while the runner ran" contains "$facts" "jit_on_a_command_line=none"
    check "the runner's environment holds none of the setup's variables" contains "$facts" "setup_variables=0"
    check "the runner's environment holds the variables the entry names" contains "$facts" "instance_variable=from the instance"
    check "the runner's environment holds no other variable of the instance" contains "$facts" "unnamed_variable=none"
    sid=$(sed -n 's/^sid=//p' <<<"$facts")
    check "run.sh is in the supervisor's own session (setsid)" contains \
        "$(guest "$n" "tr '\\0' ' ' </proc/$sid/cmdline")" "runner-helper.sh supervise"
    check "no credential left anywhere" [ "$(guest "$n" 'ls /run/lxdrunner-credential /run/lxdrunner-runner/credential 2>&1 | grep -c "No such file"')" = 2 ]
    check "the runner log holds the runner's output" contains \
        "$(guest_file "$n" /var/lib/lxdrunner/runner.log "fake runner: working")" "fake runner: working"
    release "$n"
    check "the instance powers off after the runner exits" wait_stopped "$n" 30
fi

# --- 2. tarball + registration token ------------------------------------------------------
echo "# tarball + registration token"
n=$PREFIX-token
if prepare_tarball_instance "$n"; then
    push_credential "$n" "$TOKEN"
    run_script "$n" LXDRUNNER_CREDENTIALS=registration-token \
        LXDRUNNER_RUNNER_URL=http://127.0.0.1:1/octo/hello LXDRUNNER_RUNNER_LABELS=self-hosted,gpu \
        LXDRUNNER_RUNNER_GROUP=gpu-group LXDRUNNER_POWEROFF=0
    check "setup script exits 0" [ "$RC" = 0 ]
    [ "$RC" = 0 ] || not_ok "setup script output" "$OUT"
    check "output never shows the token" lacks "$OUT" "$TOKEN"
    args=$(guest "$n" 'cat /tmp/fake-config.args' | tr '\n' ' ')
    check "config.sh got the registration arguments" contains "$args" \
        "--unattended --url http://127.0.0.1:1/octo/hello --name $n --labels self-hosted,gpu --runnergroup gpu-group --ephemeral"
    check "the token is not among config.sh's arguments" lacks "$args" "$TOKEN"
    env_facts=$(guest "$n" 'cat /tmp/fake-config.env')
    check "config.sh got the token in ACTIONS_RUNNER_INPUT_TOKEN" contains "$env_facts" \
        "env_token=$TOKEN"
    check "no process command line held the token while config.sh ran" contains "$env_facts" \
        "token_on_a_command_line=none"
    [[ $env_facts == *"token_on_a_command_line=none"* ]] || not_ok "what config.sh saw" "$env_facts"
    check "config.sh ran as the runner user" contains "$(guest "$n" 'cat /tmp/fake-config.user')" runner
    check "run.sh got no JIT config" contains "$(guest_file "$n" /tmp/fake-runner.out)" "jit=none"
    release "$n"
    sleep 4
    check "with poweroff off, the instance keeps running" \
        [ "$(lxc list "^$n\$" -c s -f csv)" = RUNNING ]
fi

# --- 3. read-only disk (disk-mount) -------------------------------------------------------
echo "# read-only runner disk"
n=$PREFIX-mount
if launch "$n"; then
    chmod 0755 "$WORK"
    lxc config device add "$n" lxdrunner-runner disk source="$WORK/runner" \
        path=/opt/lxdrunner/runner readonly=true >/dev/null
    push_credential "$n" "$JIT"
    # inline, like the image and disk-mount provisioners
    OUT=$(lxc exec "$n" --env LXDRUNNER_RUNNER_SOURCE=mount --env LXDRUNNER_RUNNER_NAME="$n" \
        -- /bin/sh -c "$(cat "$SCRIPT")" lxdrunner-setup 2>&1)
    RC=$?
    check "setup script exits 0" [ "$RC" = 0 ]
    [ "$RC" = 0 ] || not_ok "setup script output" "$OUT"
    check "the mount is read-only" contains \
        "$(guest "$n" 'touch /opt/lxdrunner/runner/x 2>&1')" "Read-only"
    layout=$(guest "$n" 'cd /opt/actions-runner && ls -l . bin')
    check "run.sh is a copy" grep -qE '^-rwx.* run\.sh$' <<<"$layout"
    check "externals is a link into the mount" contains "$layout" \
        "externals -> /opt/lxdrunner/runner/externals"
    check "libraries are links into the mount" contains "$layout" \
        "libcoreclr.so -> /opt/lxdrunner/runner/bin/libcoreclr.so"
    check "bin/ executables are copies" grep -qE '^-rwx.* Runner\.Listener$' <<<"$layout"
    facts=$(guest_file "$n" /tmp/fake-runner.out)
    check "the runner ran from the writable root" contains "$facts" "root=/opt/actions-runner"
    check "the runner could write its root (.runner)" contains "$facts" "root_writable=yes"
    check "the copied executable runs" contains "$facts" "listener=listener-ok"
    check "the runner got its JIT config" contains "$facts" "jit=$JIT"
    release "$n"
    check "the instance powers off after the runner exits" wait_stopped "$n" 30
fi

# --- 4. a runner that fails at once -------------------------------------------------------
echo "# failing runner"
n=$PREFIX-fail
if launch "$n"; then
    lxc exec "$n" -- mkdir -p -m 0711 /var/lib/lxdrunner
    lxc file push -q "$SCRIPT" "$n/var/lib/lxdrunner/runner-setup.sh" --mode 0700
    lxc file push -q "$WORK/failing-runner.tar.gz" \
        "$n/var/lib/lxdrunner/actions-runner.tar.gz" --mode 0600
    push_credential "$n" "$JIT"
    run_script "$n" LXDRUNNER_POWEROFF=0 LXDRUNNER_START_GRACE=2
    check "setup script fails" [ "$RC" = 1 ]
    check "it names the runner's exit status" contains "$OUT" "the runner exited with status 7"
    check "no credential is left" contains \
        "$(guest "$n" 'ls /run/lxdrunner-runner/credential /run/lxdrunner-credential 2>&1')" \
        "No such file"
fi

# --- 5. warm: prepare arms a supervisor, start wakes it -----------------------------------
echo "# warm: prepare, then start"
n=$PREFIX-warm
if prepare_tarball_instance "$n"; then
    run_script "$n" LXDRUNNER_PHASE=prepare
    check "prepare exits 0" [ "$RC" = 0 ]
    [ "$RC" = 0 ] || not_ok "prepare output" "$OUT"
    check "prepare says the supervisor is armed" contains "$OUT" "runner supervisor armed"
    check "no runner runs after prepare" [ "$(guest "$n" 'test -e /var/lib/lxdrunner/runner.pid && echo started || echo none')" = none ]
    check "run.sh has not run" [ "$(guest "$n" 'test -e /tmp/fake-runner.out && echo ran || echo none')" = none ]
    armed_pid=$(guest "$n" 'cat /var/lib/lxdrunner/armed.pid')
    waiting_pid=$(guest "$n" 'cat /var/lib/lxdrunner/armed-runner.pid')
    # The runner's process waits as the runner user already: no privilege drop at the start.
    check "the armed runner is the runner user" [ "$(guest "$n" "awk '/^Uid:/ { print \$2 }' /proc/$waiting_pid/status")" = "$(guest "$n" 'id -u runner')" ]
    env_of_waiting=$(guest "$n" "tr '\\0' '\\n' </proc/$waiting_pid/environ")
    check "its environment is readable (HOME set)" contains "$env_of_waiting" "HOME="
    check "it holds no JIT config in its environment" lacks "$env_of_waiting" "ACTIONS_RUNNER_INPUT"
    # Idle without CPU: the supervisor in wait(2), its runner in read(2) (state S), not polling.
    check "the armed supervisor sleeps" contains "$(guest "$n" "cut -d' ' -f3 /proc/$armed_pid/stat")" S
    check "the armed runner sleeps" contains "$(guest "$n" "cut -d' ' -f3 /proc/$waiting_pid/stat")" S
    # ... with the head that reads the FIFO for the runner.
    cpu_of_armed="cut -d' ' -f14,15 /proc/$armed_pid/stat /proc/$waiting_pid/stat; awk '\$2 == \"(head)\" { print \$14, \$15 }' /proc/[0-9]*/stat"
    t0=$(guest "$n" "$cpu_of_armed")
    check "a head waits on the FIFO" [ "$(wc -l <<<"$t0")" -ge 3 ]
    sleep 2
    check "and use no CPU while they wait" [ "$(guest "$n" "$cpu_of_armed")" = "$t0" ]
    # The runner inherits the armed supervisor's environment: none of the setup's variables.
    check "the armed supervisor's environment is clean" [ "$(guest "$n" "tr '\\0' '\\n' </proc/$armed_pid/environ | grep -c LXDRUNNER_")" = 0 ]
    push_credential "$n" "$JIT"
    run_script "$n" LXDRUNNER_PHASE=start
    check "start exits 0" [ "$RC" = 0 ]
    [ "$RC" = 0 ] || not_ok "start output" "$OUT"
    check "start woke the armed supervisor" contains "$OUT" "woke the armed runner supervisor"
    check "start never shows the JIT config" lacks "$OUT" "$JIT"
    facts=$(guest_file "$n" /tmp/fake-runner.out)
    check "run.sh ran as the runner user" contains "$facts" "user=runner"
    check "run.sh got the JIT config" contains "$facts" "jit=$JIT"
    check "the credential was never moved for the runner" contains "$facts" "credential=gone"
    # The supervisor reads it as root and removes it once the runner runs; start waits for that.
    check "no command line held the JIT config while the runner ran" contains "$facts" "jit_on_a_command_line=none"
    check "the runner's environment holds none of the setup's variables" contains "$facts" "setup_variables=0"
    check "the runner's environment holds the variables the entry names" contains "$facts" "instance_variable=from the instance"
    check "the runner's environment holds no other variable of the instance" contains "$facts" "unnamed_variable=none"
    check "the pushed credential was gone when start returned" [ "$(guest "$n" 'test -e /run/lxdrunner-credential && echo present || echo gone')" = gone ]
    check "the runner runs in the armed supervisor's session" [ "$(sed -n 's/^sid=//p' <<<"$facts")" = "$armed_pid" ]
    run_script "$n" LXDRUNNER_PHASE=start
    check "a second start is refused" [ "$RC" = 2 ]
    release "$n"
    check "the instance powers off after the runner exits" wait_stopped "$n" 30
fi

# --- 6. warm, but the armed supervisor is gone: start starts one itself --------------------
# A prepared instance whose armed supervisor was killed (what a crash inside leaves).
prepare_unarmed() { # NAME
    prepare_tarball_instance "$1" || return 1
    run_script "$1" LXDRUNNER_PHASE=prepare LXDRUNNER_POWEROFF=0
    guest "$1" 'kill -9 $(cat /var/lib/lxdrunner/armed.pid)' >/dev/null
}
# Phase start (OUT, RC) on such an instance: it started the runner itself, the cold way.
check_cold_start() { # NAME
    check "start exits 0" [ "$RC" = 0 ]
    [ "$RC" = 0 ] || not_ok "start output" "$OUT"
    check "start took the cold path" contains "$OUT" "prepared; credentials jit"
    facts=$(guest_file "$1" /tmp/fake-runner.out)
    check "run.sh got the JIT config" contains "$facts" "jit=$JIT"
}
echo "# warm: start without an armed supervisor"
n=$PREFIX-unarmed
if prepare_unarmed "$n"; then
    push_credential "$n" "$JIT"
    orphan=$(guest "$n" 'cat /var/lib/lxdrunner/armed-runner.pid')
    run_script "$n" LXDRUNNER_PHASE=start LXDRUNNER_POWEROFF=0
    check_cold_start "$n"
    check "the orphaned armed runner was removed" contains "$OUT" "disarmed: removed the FIFO and"
    check "and is gone" [ "$(guest "$n" "test -d /proc/$orphan && echo alive || echo gone")" = gone ]
    check "no process holds the FIFO any more" [ "$(guest "$n" 'ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c start.fifo')" = 0 ]
fi

# --- 6a. warm, woken from the host: phase start then refuses --------------------------------
# What the daemon's FIFO write from the host does, done from inside as root: the line in,
# the runner starts; a phase start after it must not start a second runner.
echo "# warm: woken through the FIFO, then phase start"
n=$PREFIX-hostwake
if prepare_tarball_instance "$n"; then
    run_script "$n" LXDRUNNER_PHASE=prepare LXDRUNNER_POWEROFF=0
    guest "$n" "printf '%s\n' '$JIT' >/var/lib/lxdrunner/start.fifo" >/dev/null
    ran() { guest "$n" 'cat /tmp/fake-runner.out 2>/dev/null' | grep -q "jit=$JIT"; }
    i=0
    while ! ran && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
    check "the line through the FIFO started the runner" ran
    check "nobody reads the FIFO any more" [ "$(guest "$n" 'ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c start.fifo')" = 0 ]
    RUN_STDIN=$JIT run_script "$n" LXDRUNNER_PHASE=start LXDRUNNER_POWEROFF=0 LXDRUNNER_CREDENTIAL_ON_STDIN=1
    check "a phase start after it is refused" [ "$RC" = 2 ]
    check "and says why" contains "$OUT" "a runner was started in this instance already"
    release "$n"
fi

# --- 6b. warm, the credential on standard input: no file at all ---------------------------
echo "# warm: the credential on standard input"
n=$PREFIX-stdin
if prepare_tarball_instance "$n"; then
    run_script "$n" LXDRUNNER_PHASE=prepare
    armed_pid=$(guest "$n" 'cat /var/lib/lxdrunner/armed.pid')
    RUN_STDIN=$JIT run_script "$n" LXDRUNNER_PHASE=start LXDRUNNER_CREDENTIAL_ON_STDIN=1
    check "start exits 0" [ "$RC" = 0 ]
    [ "$RC" = 0 ] || not_ok "start output" "$OUT"
    check "start woke the armed supervisor" contains "$OUT" "woke the armed runner supervisor"
    check "start never shows the JIT config" lacks "$OUT" "$JIT"
    facts=$(guest_file "$n" /tmp/fake-runner.out)
    check "run.sh got the JIT config" contains "$facts" "jit=$JIT"
    check "no credential file was ever written" contains "$facts" "pushed_credential=gone"
    check "no command line held the JIT config while the runner ran" contains "$facts" "jit_on_a_command_line=none"
    check "the runner runs in the armed supervisor's session" [ "$(sed -n 's/^sid=//p' <<<"$facts")" = "$armed_pid" ]
    release "$n"
fi
echo "# warm, unarmed: the credential on standard input"
n=$PREFIX-stdin-unarmed
if prepare_unarmed "$n"; then
    RUN_STDIN=$JIT run_script "$n" LXDRUNNER_PHASE=start LXDRUNNER_POWEROFF=0 LXDRUNNER_CREDENTIAL_ON_STDIN=1
    check_cold_start "$n"
    check "no credential is left" [ "$(guest "$n" 'test -e /run/lxdrunner-credential && echo present || echo gone')" = gone ]
fi

# --- 7. warm with a registration token: nothing is armed ----------------------------------
echo "# warm: registration token"
n=$PREFIX-warmtoken
if prepare_tarball_instance "$n"; then
    run_script "$n" LXDRUNNER_PHASE=prepare LXDRUNNER_CREDENTIALS=registration-token
    check "prepare exits 0" [ "$RC" = 0 ]
    check "no supervisor is armed (config.sh needs the token first)" lacks "$OUT" "armed"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
