#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2015 # "a && b || fail ..." is meant: fail when either fails
#
# runner-setup.sh - lxdrunner's default guest setup script: turns a fresh instance into a
# running single-use GitHub Actions runner. The provisioner runs it as root inside the
# instance; its standard output (stderr is merged into it) becomes the job's log.
#
# POSIX sh on purpose: it must work with dash, bash and busybox ash, in images that have
# useradd, only busybox, or neither (then /etc/passwd is edited directly).
#
# The guest contract (every variable is optional; defaults in brackets):
#   LXDRUNNER_RUNNER_SOURCE    where the runner comes from [tarball]
#                                tarball:   unpack $LXDRUNNER_RUNNER_TARBALL into the runner dir
#                                mount:     build a writable root in the runner dir from the
#                                           read-only directory $LXDRUNNER_RUNNER_MOUNT
#                                installed: the image already holds it (user and dir exist)
#   LXDRUNNER_RUNNER_TARBALL   [/var/lib/lxdrunner/actions-runner.tar.gz]
#   LXDRUNNER_RUNNER_MOUNT     [/opt/lxdrunner/runner]
#   LXDRUNNER_RUNNER_DIR       the runner's (writable) root [/opt/actions-runner]
#   LXDRUNNER_RUNNER_USER      unprivileged user running the runner [runner]
#   LXDRUNNER_RUNNER_UID       uid (and gid) for a user this script creates [1001]
#   LXDRUNNER_SUDO             1: passwordless sudo for the runner user [0]
#   LXDRUNNER_CREDENTIALS      jit | registration-token [jit]
#   LXDRUNNER_CREDENTIAL_FILE  the secret (JIT config or registration token), mode 0600
#                              [/run/lxdrunner-credential]. A JIT config is read from it by
#                              the runner's supervisor (root) and handed to the runner in
#                              its environment; a registration token is moved into a 0700
#                              directory of the runner user for config.sh. Either way the
#                              file is gone once the runner runs
#   LXDRUNNER_RUNNER_URL       config.sh --url (registration-token only)
#   LXDRUNNER_RUNNER_NAME      config.sh --name [hostname]
#   LXDRUNNER_RUNNER_LABELS    config.sh --labels, comma-separated
#   LXDRUNNER_RUNNER_GROUP     config.sh --runnergroup (empty: the default group)
#   LXDRUNNER_RUNNER_ENVIRONMENT  names of this exec's variables (an entry's environment.*
#                              keys) the runner gets, space-separated [none]
#   LXDRUNNER_EPHEMERAL        1: config.sh --ephemeral [1]
#   LXDRUNNER_POWEROFF         1: power the instance off when the runner exits [1]
#   LXDRUNNER_STATE_DIR        helper files, markers, runner log [/var/lib/lxdrunner]
#   LXDRUNNER_RUNNER_LOG       the runner's stdout/stderr [$LXDRUNNER_STATE_DIR/runner.log]
#   LXDRUNNER_DEADLINE_SECONDS the whole script's budget; 0 = none [0]
#   LXDRUNNER_TIMEOUT_CLOUD_INIT, _USER, _UNPACK, _CONFIGURE, _START  per-step limits in
#                              seconds [600, 60, 300, 120, 30]
#   LXDRUNNER_START_GRACE      seconds to watch the new runner for an early failure [1]
#   LXDRUNNER_PROVISIONER_OPTIONS  the entry's provisioner_options as JSON (not read here;
#                              for custom scripts that take options of their own)
#   LXDRUNNER_JOB_ID, _RUN_ID, _RUN_ATTEMPT, _REPOSITORY, _OWNER, _ORGANIZATION, _WORKFLOW,
#   _NAME, _HEAD_BRANCH, _LABELS, and LXDRUNNER_ENTRY: the job (phases all and start only;
#                              not read here; for custom scripts that set up per job)
#   LXDRUNNER_CREDENTIAL_ON_STDIN  1: phase start gets the credential as one line on standard
#                              input instead of in LXDRUNNER_CREDENTIAL_FILE (the provisioner
#                              then pushes no file: no LXD file call on the job's critical
#                              path). The line below tells the provisioners this script can:
#                              lxdrunner-setup-contract: credential-on-stdin
#   LXDRUNNER_PHASE            all | prepare | start [all]
#                                all:     everything, for a job that is waiting (cold launch)
#                                prepare: a warm pool's instance, before any job: user, runner
#                                         files and helper; no credential, no runner start
#                                start:   on a prepared instance, at a job: the credential
#                                         and the runner start only
#                              With a JIT config, prepare leaves a root supervisor and the
#                              runner's process (already the runner user) waiting on
#                              $LXDRUNNER_STATE_DIR/start.fifo (root's, 0600) for that config
#                              as one line, and phase start only writes it there. A provisioner
#                              that can write into the instance's FIFO itself may do that
#                              instead of running phase start (no exec on the job's critical
#                              path); the line below says this script keeps to that:
#                              lxdrunner-setup-contract: armed-fifo
#
# Exit status: 0 once the runner process runs (or already finished successfully);
# 124 when a step ran out of time; otherwise the failing step's status (2 = bad input).
# Secrets are never printed: the credential is only read by the runner user's helper.

set -u
exec 2>&1
umask 022
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

readonly PROG=lxdrunner-setup

SOURCE=${LXDRUNNER_RUNNER_SOURCE:-tarball}
TARBALL=${LXDRUNNER_RUNNER_TARBALL:-/var/lib/lxdrunner/actions-runner.tar.gz}
MOUNT=${LXDRUNNER_RUNNER_MOUNT:-/opt/lxdrunner/runner}
RUNNER_DIR=${LXDRUNNER_RUNNER_DIR:-/opt/actions-runner}
RUNNER_USER=${LXDRUNNER_RUNNER_USER:-runner}
RUNNER_UID=${LXDRUNNER_RUNNER_UID:-1001}
SUDO=${LXDRUNNER_SUDO:-0}
CREDENTIALS=${LXDRUNNER_CREDENTIALS:-jit}
STATE_DIR=${LXDRUNNER_STATE_DIR:-/var/lib/lxdrunner}
CRED_FILE=${LXDRUNNER_CREDENTIAL_FILE:-/run/lxdrunner-credential}
RUNNER_URL=${LXDRUNNER_RUNNER_URL:-}
RUNNER_NAME=${LXDRUNNER_RUNNER_NAME:-$(hostname 2>/dev/null || echo runner)}
RUNNER_LABELS=${LXDRUNNER_RUNNER_LABELS:-}
RUNNER_GROUP=${LXDRUNNER_RUNNER_GROUP:-}
RUNNER_ENVIRONMENT=${LXDRUNNER_RUNNER_ENVIRONMENT:-}
EPHEMERAL=${LXDRUNNER_EPHEMERAL:-1}
POWEROFF=${LXDRUNNER_POWEROFF:-1}
RUNNER_LOG=${LXDRUNNER_RUNNER_LOG:-$STATE_DIR/runner.log}
BUDGET=${LXDRUNNER_DEADLINE_SECONDS:-0}
T_CLOUD_INIT=${LXDRUNNER_TIMEOUT_CLOUD_INIT:-600}
T_USER=${LXDRUNNER_TIMEOUT_USER:-60}
T_UNPACK=${LXDRUNNER_TIMEOUT_UNPACK:-300}
T_CONFIGURE=${LXDRUNNER_TIMEOUT_CONFIGURE:-120}
T_START=${LXDRUNNER_TIMEOUT_START:-30}
START_GRACE=${LXDRUNNER_START_GRACE:-1}
PHASE=${LXDRUNNER_PHASE:-all}
CRED_ON_STDIN=${LXDRUNNER_CREDENTIAL_ON_STDIN:-0}

HELPER=$STATE_DIR/runner-helper.sh
MARKER=$STATE_DIR/provisioning
PREPARED=$STATE_DIR/prepared
# An armed runner (phase prepare, JIT) waits on this FIFO for the JIT config itself.
FIFO=$STATE_DIR/start.fifo
ARMED_PID=$STATE_DIR/armed.pid
# Its runner's process, waiting on the FIFO as the runner user; WOKEN: phase start wrote it.
ARMED_RUNNER_PID=$STATE_DIR/armed-runner.pid
WOKEN=$STATE_DIR/woken
# Registration-token mode only: on the same file system as the pushed file (a rename, no
# copy: /run is a tmpfs in most images, so the secret never reaches the disk), in a
# directory the runner user owns so that config.sh's helper can remove the file once read.
CRED_DIR=${CRED_FILE%/*}/lxdrunner-$RUNNER_USER
CRED_DEST=$CRED_DIR/credential

say() { printf '%s: %s\n' "$PROG" "$*"; }
fail() {
    code=$1
    shift
    say "error: $*"
    exit "$code"
}
have() { command -v "$1" >/dev/null 2>&1; }
now() { date +%s; }
is_uint() { case $1 in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }

for v in "$RUNNER_UID" "$BUDGET" "$T_CLOUD_INIT" "$T_USER" "$T_UNPACK" "$T_CONFIGURE" \
    "$T_START" "$START_GRACE"; do
    is_uint "$v" || fail 2 "'$v' is not a whole number of seconds (or a uid)"
done
case $RUNNER_USER in
'' | -* | *[!A-Za-z0-9._-]*) fail 2 "runner user '$RUNNER_USER' is not a valid user name" ;;
esac
case $RUNNER_DIR in
/?*) ;;
*) fail 2 "runner dir '$RUNNER_DIR' is not an absolute path" ;;
esac

# Phase start on an armed instance sets it after the wake (see start_armed).
START_TIME=0
[ "$PHASE" = start ] || START_TIME=$(now)

# A step's limit: its own, cut to what is left of the whole budget.
step_limit() {
    limit=$1
    if [ "$BUDGET" -gt 0 ]; then
        left=$((BUDGET - ($(now) - START_TIME)))
        [ "$left" -lt "$limit" ] && limit=$left
    fi
    echo "$limit"
}

# run_step NAME LIMIT CMD...: runs one external command under `timeout`. A command killed
# by timeout reports 124 (coreutils) or 143 (busybox), so lateness is judged by the clock.
run_step() {
    name=$1
    limit=$(step_limit "$2")
    shift 2
    [ "$limit" -gt 0 ] || fail 124 "no time left for step '$name' (deadline passed)"
    say "step $name (limit ${limit}s)"
    t0=$(now)
    if have timeout; then
        timeout "$limit" "$@"
    else
        "$@"
    fi
    rc=$?
    if [ "$rc" -ne 0 ] && [ $(($(now) - t0)) -ge "$limit" ]; then
        fail 124 "step '$name' timed out after ${limit}s"
    fi
    return "$rc"
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    # Whatever happened, no credential stays behind and the supervisor may power off.
    rm -f "$CRED_FILE" "$CRED_DEST" "$MARKER" 2>/dev/null
    [ ! -d "$CRED_DIR" ] || rmdir "$CRED_DIR" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

home_of() {
    if have getent; then
        getent passwd "$1" | cut -d: -f6
    else
        awk -F: -v u="$1" '$1 == u { print $6 }' /etc/passwd
    fi
}

# --- steps --------------------------------------------------------------------------

wait_for_cloud_init() {
    have cloud-init || return 0
    run_step cloud-init "$T_CLOUD_INIT" cloud-init status --wait >/dev/null
    rc=$?
    case $rc in
    0) ;;
    2) say "warning: cloud-init finished with recoverable errors" ;;
    *) fail "$rc" "cloud-init status --wait failed (exit $rc)" ;;
    esac
}

# Appends the user to passwd/group/shadow: the way that works in any image.
add_user_by_hand() {
    shell=/bin/sh
    [ -x /bin/bash ] && shell=/bin/bash
    grep -q "^$RUNNER_USER:" /etc/group 2>/dev/null ||
        echo "$RUNNER_USER:x:$RUNNER_UID:" >>/etc/group
    echo "$RUNNER_USER:x:$RUNNER_UID:$RUNNER_UID::/home/$RUNNER_USER:$shell" >>/etc/passwd
    [ -f /etc/shadow ] && echo "$RUNNER_USER:!:$(($(now) / 86400)):0:99999:7:::" >>/etc/shadow
    mkdir -p "/home/$RUNNER_USER" && chmod 0750 "/home/$RUNNER_USER" &&
        chown "$RUNNER_UID:$RUNNER_UID" "/home/$RUNNER_USER"
}

uid_taken() { awk -F: -v id="$1" '$3 == id { f = 1 } END { exit !f }' /etc/passwd; }

create_user() {
    shell=/bin/sh
    [ -x /bin/bash ] && shell=/bin/bash
    uid_opt=$RUNNER_UID
    if uid_taken "$RUNNER_UID"; then
        say "uid $RUNNER_UID is taken in this image; letting the system choose one"
        uid_opt=
    fi
    if have useradd; then
        run_step user "$T_USER" useradd -m -U ${uid_opt:+-u "$uid_opt"} -s "$shell" "$RUNNER_USER"
    elif have adduser && adduser --help 2>&1 | grep -q -- --disabled-password; then
        run_step user "$T_USER" adduser --disabled-password --gecos '' \
            ${uid_opt:+--uid "$uid_opt"} --shell "$shell" "$RUNNER_USER"
    elif have adduser; then
        # busybox: the group first, so the user's primary group has the user's name
        if have addgroup; then
            run_step user "$T_USER" addgroup ${uid_opt:+-g "$uid_opt"} "$RUNNER_USER" || return
        fi
        run_step user "$T_USER" adduser -D ${uid_opt:+-u "$uid_opt"} -s "$shell" \
            ${uid_opt:+-G "$RUNNER_USER"} "$RUNNER_USER"
    else
        [ -n "$uid_opt" ] || fail 2 "no useradd/adduser and uid $RUNNER_UID is taken"
        say "step user (no useradd or adduser: editing /etc/passwd)"
        add_user_by_hand
    fi
}

ensure_user() {
    if id "$RUNNER_USER" >/dev/null 2>&1; then
        say "user $RUNNER_USER exists (uid $(id -u "$RUNNER_USER"))"
    else
        [ "$SOURCE" = installed ] &&
            fail 2 "the image has no user '$RUNNER_USER': bake it into the image (see docs/provisioners.md)"
        create_user || fail $? "creating user $RUNNER_USER failed"
        id "$RUNNER_USER" >/dev/null 2>&1 || fail 1 "user $RUNNER_USER was not created"
        say "created user $RUNNER_USER (uid $(id -u "$RUNNER_USER"))"
    fi
    RUNNER_GID=$(id -g "$RUNNER_USER")
    RUNNER_HOME=$(home_of "$RUNNER_USER")
    [ -n "$RUNNER_HOME" ] || RUNNER_HOME=/home/$RUNNER_USER
    if [ ! -d "$RUNNER_HOME" ]; then
        mkdir -p "$RUNNER_HOME" && chmod 0750 "$RUNNER_HOME" &&
            chown "$RUNNER_USER:$RUNNER_GID" "$RUNNER_HOME"
    fi
}

configure_sudo() {
    rule=/etc/sudoers.d/90-lxdrunner-$RUNNER_USER
    if [ "$SUDO" != 1 ]; then
        rm -f "$rule"
        return 0
    fi
    if ! have sudo; then
        say "warning: sudo was asked for but is not installed in this image"
        return 0
    fi
    mkdir -p /etc/sudoers.d
    if ! { (umask 0337 && echo "$RUNNER_USER ALL=(ALL) NOPASSWD:ALL" >"$rule.tmp") &&
        mv -f "$rule.tmp" "$rule"; }; then
        fail 1 "writing $rule failed"
    fi
    say "passwordless sudo for $RUNNER_USER"
}

unpack_tarball() {
    [ -f "$TARBALL" ] || fail 2 "runner tarball $TARBALL is missing"
    mkdir -p "$RUNNER_DIR" || fail 1 "cannot create $RUNNER_DIR"
    run_step unpack "$T_UNPACK" tar -xzf "$TARBALL" -C "$RUNNER_DIR" ||
        fail $? "unpacking $TARBALL failed"
    rm -f "$TARBALL"
    chown -R "$RUNNER_USER:$RUNNER_GID" "$RUNNER_DIR" || fail 1 "chown of $RUNNER_DIR failed"
}

# The runner writes .runner, .credentials, _diag/ and _work/ under its root, and finds its
# root as the parent of the directory holding the Runner.Listener executable (resolved
# through symlinks by the .NET host; run.sh likewise resolves its own symlinks). So the
# root is a real writable directory with real copies of the small scripts and of bin/'s
# executables, and symlinks into the read-only mount for the bulk (libraries, externals).
link_mount() {
    [ -x "$MOUNT/run.sh" ] || fail 2 "$MOUNT holds no actions runner (no run.sh); is the disk attached?"
    mkdir -p "$RUNNER_DIR/bin" || fail 1 "cannot create $RUNNER_DIR"
    for f in "$MOUNT"/* "$MOUNT"/.[!.]*; do
        [ -e "$f" ] || continue
        name=${f##*/}
        if [ "$name" = bin ] && [ -d "$f" ]; then
            for b in "$f"/* "$f"/.[!.]*; do
                [ -e "$b" ] || continue
                case ${b##*/} in
                *.so | *.so.* | *.dll | *.pdb | *.json) ln -sfn "$b" "$RUNNER_DIR/bin/" ;;
                *) if [ -f "$b" ] && [ -x "$b" ]; then
                    cp -p "$b" "$RUNNER_DIR/bin/"
                else
                    ln -sfn "$b" "$RUNNER_DIR/bin/"
                fi ;;
                esac
            done
        elif [ -d "$f" ]; then
            ln -sfn "$f" "$RUNNER_DIR/$name"
        else
            cp -p "$f" "$RUNNER_DIR/$name"
        fi || fail 1 "linking $f into $RUNNER_DIR failed"
    done
    chown -hR "$RUNNER_USER:$RUNNER_GID" "$RUNNER_DIR" || fail 1 "chown of $RUNNER_DIR failed"
    say "runner root $RUNNER_DIR: copies of scripts and executables, links into $MOUNT"
}

check_runner_dir() {
    for f in run.sh config.sh; do
        [ -f "$RUNNER_DIR/$f" ] ||
            fail 2 "$RUNNER_DIR/$f is missing: $RUNNER_DIR does not hold an actions runner"
    done
}

# Registration-token mode: config.sh runs as the runner user and reads the token itself.
place_credential() {
    [ -f "$CRED_FILE" ] || fail 2 "credential file $CRED_FILE is missing"
    if ! { mkdir -p "$CRED_DIR" && chmod 0700 "$CRED_DIR" &&
        chown "$RUNNER_USER:$RUNNER_GID" "$CRED_DIR" && mv -f "$CRED_FILE" "$CRED_DEST"; }; then
        fail 1 "moving the credential into $CRED_DIR failed"
    fi
    if ! { chown "$RUNNER_USER:$RUNNER_GID" "$CRED_DEST" && chmod 0600 "$CRED_DEST"; }; then
        fail 1 "securing the credential file failed"
    fi
    say "credential file $CRED_DEST: mode $(stat -c %a "$CRED_DEST") owner $(stat -c %U "$CRED_DEST")"
}

# The helper runs twice: as root (supervise, or armed: runs the runner, which drops to its
# user and, armed, waits for its JIT config on the FIFO; records its exit status, powers
# off) and as the runner user (configure: config.sh with
# the registration token; run: run.sh of a runner config.sh registered).
write_helper() {
    mkdir -p "$STATE_DIR" && chmod 0711 "$STATE_DIR" || fail 1 "cannot create $STATE_DIR"
    cat >"$HELPER.tmp" <<'EOF' || fail 1 "writing $HELPER failed"
#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Written by lxdrunner's runner-setup.sh. Holds no secret.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
have() { command -v "$1" >/dev/null 2>&1; }

# resolve_user USER: who the runner runs as and how to become it. An armed supervisor does
# this before it waits, so that a job's start pays for none of these commands.
resolve_user() {
    R_USER=$1
    R_UID=$(id -u "$1") && R_GID=$(id -g "$1") || return 1
    if have getent; then R_HOME=$(getent passwd "$1" | cut -d: -f6); else
        R_HOME=$(awk -F: -v u="$1" '$1 == u { print $6 }' /etc/passwd)
    fi
    if have setpriv && setpriv --help 2>&1 | grep -q -- --reuid; then
        R_HOW=setpriv
    elif have runuser; then
        R_HOW=runuser
    else
        R_HOW=su
    fi
}

# as_user USER CMD...: drops to USER with a clean environment.
as_user() {
    [ "${R_USER:-}" = "$1" ] || resolve_user "$1" || return 1
    shift
    set -- env -i HOME="$R_HOME" USER="$R_USER" LOGNAME="$R_USER" PATH="$PATH" \
        LANG="${LANG:-C.UTF-8}" "$@"
    case $R_HOW in
    setpriv) exec setpriv --reuid "$R_UID" --regid "$R_GID" --init-groups -- "$@" ;;
    runuser) exec runuser -u "$R_USER" -- "$@" ;;
    esac
    # busybox su would take options out of trailing arguments: one quoted command, quoted
    # by the shell alone (a sed per argument cost a dozen processes on the runner's start).
    cmd=exec
    for a in "$@"; do
        q=
        while :; do
            case $a in
            *\'*)
                q="$q${a%%\'*}'\\''"
                a=${a#*\'}
                ;;
            *)
                q="$q$a"
                break
                ;;
            esac
        done
        cmd="$cmd '$q'"
    done
    exec su -s /bin/sh "$R_USER" -c "$cmd"
}

power_off() {
    if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && have systemctl; then
        systemctl poweroff && return
    fi
    poweroff 2>/dev/null || busybox poweroff 2>/dev/null || kill -s PWR 1
}

# read_secret FILE: the JIT config into $secret, with the shell's read (no process). It is
# one line; without a final newline read fails but still fills the variable.
read_secret() {
    secret=
    IFS= read -r secret <"$1" || [ -n "$secret" ] || {
        echo "lxdrunner: cannot read the credential $1"
        return 1
    }
}

# run_with_jit DIR: the supervisor's child, on the job's critical path: no process before
# the runner's own but the privilege drop. The JIT config, read by root from the pushed 0600
# file, reaches the runner in its environment (where the real runner reads
# ACTIONS_RUNNER_INPUT_JITCONFIG and removes it), so the file is never moved or chowned.
# The environment is the one the supervisor was started with (see detached), plus the
# runner user's and the JIT config.
run_with_jit() {
    cd "$1" || exit 1
    export HOME="$R_HOME" USER="$R_USER" LOGNAME="$R_USER" ACTIONS_RUNNER_INPUT_JITCONFIG="$secret"
    case $R_HOW in
    setpriv) exec setpriv --reuid "$R_UID" --regid "$R_GID" --init-groups -- ./run.sh ;;
    runuser) exec runuser -u "$R_USER" -- ./run.sh ;;
    esac
    exec su -s /bin/sh "$R_USER" -c 'exec ./run.sh'
}

# armed_runner DIR: the runner's process from phase prepare on, already as the runner user,
# blocked on the FIFO (fd 3, opened read-write by the armed supervisor) until the JIT config
# arrives; then only `head` and the exec of run.sh lie on the job's critical path. (The
# shell's read takes a pipe byte by byte: ~10 ms for a 4 KB JIT config here; the fork and
# the privilege drop after it, another ~8 ms.) The config reaches the runner as in
# run_with_jit, in its environment.
armed_runner() {
    cd "$1" || exit 1
    export HOME="$R_HOME" USER="$R_USER" LOGNAME="$R_USER"
    set -- 'secret=$(head -n 1 <&3) && [ -n "$secret" ] || exit 1
    exec 3<&-
    ACTIONS_RUNNER_INPUT_JITCONFIG=$secret
    export ACTIONS_RUNNER_INPUT_JITCONFIG
    exec ./run.sh'
    case $R_HOW in
    setpriv) exec setpriv --reuid "$R_UID" --regid "$R_GID" --init-groups -- /bin/sh -c "$1" ;;
    runuser) exec runuser -u "$R_USER" -- /bin/sh -c "$1" ;;
    esac
    exec su -s /bin/sh "$R_USER" -c "$1"
}

# supervise STATE_DIR POWEROFF CONSUMED PID_FILE CMD...: runs CMD (which drops to the runner
# user) in the background, records its pid in PID_FILE, removes the credential file CONSUMED
# (or -) once CMD holds what it needs, records the exit status, powers off.
supervise() {
    state=$1 poweroff=$2 consumed=$3 pid_file=$4
    shift 4
    ("$@") &
    runner=$!
    # Armed: the runner's copy of the FIFO is its only reader from now on. Once the runner
    # has read its line, a writer finds none (ENXIO): the daemon falls back to phase start,
    # which sees the runner started and refuses a second one.
    [ "$pid_file" = runner.pid ] || exec 3<&-
    echo $runner >"$state/$pid_file"
    [ "$consumed" = - ] || rm -f "$consumed"
    if [ "$pid_file" = runner.pid ]; then
        echo "lxdrunner: runner started at $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
    else  # armed: the date would be the prepare's, not the start's
        echo "lxdrunner: runner armed (pid $runner): it starts when its JIT configuration arrives"
    fi
    wait $runner
    rc=$?
    echo "$rc" >"$state/runner.exit"
    echo "lxdrunner: runner exited with status $rc at $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
    # Let the setup script report before the instance goes away.
    i=0
    while [ -e "$state/provisioning" ] && [ $i -lt 600 ]; do
        sleep 0.1 2>/dev/null || sleep 1
        i=$((i + 1))
    done
    if [ "$poweroff" = 1 ]; then
        echo "lxdrunner: powering off"
        power_off
    fi
}

mode=$1
shift
case $mode in
configure) # runner user: DIR CRED ARGS...; the token goes to config.sh, then away
    cd "$1" || exit 1
    cred=$2
    shift 2
    # In the environment, not as --token: a command line is world-readable (ps, on the
    # host too for a container), an environment only by its owner and root. The runner
    # reads ACTIONS_RUNNER_INPUT_<NAME> for every argument and removes it once read.
    ACTIONS_RUNNER_INPUT_TOKEN=$(cat "$cred") || exit 1
    export ACTIONS_RUNNER_INPUT_TOKEN
    rm -f "$cred"
    exec ./config.sh "$@"
    ;;
run) # runner user: DIR (a runner that config.sh registered)
    cd "$1" || exit 1
    exec ./run.sh
    ;;
supervise) # root, detached, in a clean environment: USER DIR JIT_FILE|- STATE_DIR POWEROFF
    if [ "$3" = - ]; then
        supervise "$4" "$5" - runner.pid as_user "$1" "$0" run "$2"
    else
        resolve_user "$1" && read_secret "$3" || exit 1
        supervise "$4" "$5" "$3" runner.pid run_with_jit "$2"
    fi
    ;;
armed) # root, detached, started by phase prepare: USER DIR STATE_DIR POWEROFF
    user=$1 dir=$2 state=$3 poweroff=$4
    resolve_user "$user" || exit 1
    # Read-write, the open never blocks; the armed runner inherits it (see supervise). It
    # blocks in read(2), using no CPU (frozen or not), until the JIT config comes.
    [ -p "$state/start.fifo" ] && exec 3<>"$state/start.fifo" || exit 1
    echo $$ >"$state/armed.pid"
    supervise "$state" "$poweroff" - armed-runner.pid armed_runner "$dir"
    ;;
as-user) # root: USER CMD...
    as_user "$@"
    ;;
*)
    echo "runner-helper: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
EOF
    chmod 0755 "$HELPER.tmp" && mv -f "$HELPER.tmp" "$HELPER" || fail 1 "writing $HELPER failed"
}

configure_runner() {
    [ -n "$RUNNER_URL" ] || fail 2 "registration-token mode needs LXDRUNNER_RUNNER_URL"
    set -- --unattended --url "$RUNNER_URL" --name "$RUNNER_NAME"
    [ -n "$RUNNER_LABELS" ] && set -- "$@" --labels "$RUNNER_LABELS"
    [ -n "$RUNNER_GROUP" ] && set -- "$@" --runnergroup "$RUNNER_GROUP"
    [ "$EPHEMERAL" = 1 ] && set -- "$@" --ephemeral
    run_step configure "$T_CONFIGURE" "$HELPER" as-user "$RUNNER_USER" \
        "$HELPER" configure "$RUNNER_DIR" "$CRED_DEST" "$@" ||
        fail $? "config.sh failed (exit $?)"
}

# wait_runner_started LIMIT CREDENTIAL_FILE: started = the runner process exists and its
# credential file is gone (taken by the supervisor for it).
wait_runner_started() {
    limit=$1
    t0=$(now)
    while :; do
        if [ -s "$STATE_DIR/runner.pid" ] && [ ! -e "$2" ]; then break; fi
        if [ -s "$STATE_DIR/runner.exit" ]; then break; fi
        [ $(($(now) - t0)) -ge "$limit" ] &&
            fail 124 "step 'start' timed out after ${limit}s: the runner did not start"
        sleep 0.1 2>/dev/null || sleep 1
    done
    after_grace "$STATE_DIR/runner.pid"
}

# after_grace PID_FILE: waits start_grace, then fails if the runner died in it with a
# non-zero status.
after_grace() {
    [ "$START_GRACE" -gt 0 ] && sleep "$START_GRACE"
    if [ -s "$STATE_DIR/runner.exit" ]; then
        rc=$(cat "$STATE_DIR/runner.exit")
        [ "$rc" = 0 ] || fail 1 "the runner exited with status $rc right after starting (log: $RUNNER_LOG)"
        say "the runner already finished (status 0)"
        return 0
    fi
    say "runner started (pid $(cat "$1"), log $RUNNER_LOG)"
}

start_runner() {
    # A JIT config is read by the supervisor (root) straight from the pushed file; a
    # registration token was consumed by config.sh already.
    cred_arg=- cred_gone=$CRED_DEST
    [ "$CREDENTIALS" = jit ] && cred_arg=$CRED_FILE cred_gone=$CRED_FILE
    rm -f "$STATE_DIR/runner.pid" "$STATE_DIR/runner.exit"
    : >"$RUNNER_LOG" && chmod 0640 "$RUNNER_LOG" || fail 1 "cannot create $RUNNER_LOG"
    limit=$(step_limit "$T_START")
    [ "$limit" -gt 0 ] || fail 124 "no time left for step 'start' (deadline passed)"
    say "step start (limit ${limit}s)"
    detached "$HELPER" supervise "$RUNNER_USER" "$RUNNER_DIR" "$cred_arg" "$STATE_DIR" "$POWEROFF"
    wait_runner_started "$limit" "$cred_gone"
}

# detached CMD...: runs CMD in a new session with no inherited descriptors and the runner
# log as its output, so it outlives this script and the exec that ran it (a backend waiting
# for our output never waits for the runner). Its environment: PATH, LANG and the variables
# the entry names in provisioner_options.runner_environment (LXDRUNNER_RUNNER_ENVIRONMENT),
# taken from this exec's environment, where LXD puts an entry's environment.* keys. Nothing
# else: the others may be meant for the setup alone, and none of the setup's is the runner's.
detached() {
    for name in $RUNNER_ENVIRONMENT; do
        case $name in '' | [0-9]* | *[!A-Za-z0-9_]* | LXDRUNNER_*) continue ;; esac
        eval "[ -n \"\${$name+x}\" ]" || continue
        eval "value=\${$name}"
        set -- "$name=$value" "$@"
    done
    set -- env -i PATH="$PATH" LANG="${LANG:-C.UTF-8}" "$@"
    if have setsid; then
        setsid "$@" </dev/null >>"$RUNNER_LOG" 2>&1 &
    else
        (trap '' HUP && exec "$@" </dev/null >>"$RUNNER_LOG" 2>&1) &
    fi
}

# Phase prepare with a JIT credential: a supervisor that has done everything but the
# runner's start (the user resolved, the runner's process forked and already the runner
# user) waits with that process on a FIFO, so that phase start, on the job's critical path,
# only writes the JIT config into it (or the provisioner does, from the host:
# lxdrunner-setup-contract: armed-fifo).
arm_supervisor() {
    have mkfifo || { say "no mkfifo in this image: phase start will start the supervisor"; return 0; }
    rm -f "$FIFO" "$ARMED_PID" "$ARMED_RUNNER_PID" "$WOKEN"
    mkfifo -m 0600 "$FIFO" || fail 1 "cannot create $FIFO"
    : >"$RUNNER_LOG" && chmod 0640 "$RUNNER_LOG" || fail 1 "cannot create $RUNNER_LOG"
    # The runner inherits its environment (see armed_runner).
    detached "$HELPER" armed "$RUNNER_USER" "$RUNNER_DIR" "$STATE_DIR" "$POWEROFF"
    i=0
    while [ ! -s "$ARMED_PID" ] || [ ! -s "$ARMED_RUNNER_PID" ]; do
        [ $i -lt 100 ] || fail 1 "the runner supervisor did not start (log: $RUNNER_LOG)"
        sleep 0.1 2>/dev/null || sleep 1
        i=$((i + 1))
    done
    say "runner supervisor armed (pid $(cat "$ARMED_PID"), its runner waits as pid $(cat "$ARMED_RUNNER_PID"))"
}

# alive PID_FILE: the process it names exists; its pid is left in $pid.
alive() {
    [ -s "$1" ] && read -r pid <"$1" && kill -0 "$pid" 2>/dev/null
}

# armed_runner_waiting: the armed runner lives and still holds the FIFO (it lets go once it
# has read its line; alive but not holding it = woken already, from the host or by us).
armed_runner_waiting() {
    [ -p "$FIFO" ] && alive "$ARMED_RUNNER_PID" && [ "/proc/$pid/fd/3" -ef "$FIFO" ]
}

# True when an armed supervisor and its runner wait: builtins only (this runs at a job's
# start).
armed() {
    [ "$CREDENTIALS" = jit ] && armed_runner_waiting && alive "$ARMED_PID"
}

# disarm: what is left of an arming that cannot serve (a supervisor or runner killed, what a
# crash inside leaves; or a prepare for other credentials) goes before phase start starts a
# runner the cold way: every process still holding the FIFO (the supervisor, the waiting
# runner, its `head`; a root `su` that forked the runner), then the FIFO. Nothing was
# written to it, so none holds a credential.
disarm() {
    [ -e "$FIFO" ] || [ -e "$ARMED_PID" ] || return 0
    killed=0 seen=
    for fd in /proc/[0-9]*/fd/*; do
        pid=${fd#/proc/} && pid=${pid%%/*}
        case " $seen " in *" $pid "*) continue ;; esac
        if [ "$fd" -ef "$FIFO" ]; then
            seen="$seen $pid"
            kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
        fi
    done
    rm -f "$FIFO" "$ARMED_RUNNER_PID" "$ARMED_PID"
    say "disarmed: removed the FIFO and $killed process(es) of an arming that could not serve"
}

# take_credential: the credential into $CRED_VALUE: from standard input (one line, no
# process) or from the pushed file.
take_credential() {
    CRED_VALUE=
    if [ "$CRED_ON_STDIN" = 1 ]; then
        IFS= read -r CRED_VALUE || [ -n "$CRED_VALUE" ] ||
            fail 2 "LXDRUNNER_CREDENTIAL_ON_STDIN=1 but no credential came on standard input"
    fi
}

# Phase start on an armed instance: builtins only up to the FIFO write, which hands the
# armed runner the JIT config itself (the FIFO is root's, 0600). Opened read-write, the FIFO
# never blocks this script, even if the armed runner died just now: its supervisor then
# records the exit, which start_grace can see.
start_armed() {
    : >"$WOKEN" || fail 1 "cannot write $WOKEN"
    exec 3<>"$FIFO" && printf '%s\n' "$CRED_VALUE" >&3 && exec 3>&- ||
        fail 1 "cannot wake the runner supervisor through $FIFO"
    CRED_VALUE=
    START_TIME=$(now)  # only now: the wake is on the job's critical path, the clock is not
    say "woke the armed runner supervisor with the JIT configuration"
    # The runner's process exists already: what start_grace can tell is whether it died.
    after_grace "$ARMED_RUNNER_PID"
}

# --- main ---------------------------------------------------------------------------

[ "$(id -u)" = 0 ] || fail 2 "must run as root"
case $SOURCE in tarball | mount | installed) ;; *) fail 2 "unknown runner source '$SOURCE'" ;; esac
case $CREDENTIALS in jit | registration-token) ;; *) fail 2 "unknown credentials '$CREDENTIALS'" ;; esac
case $PHASE in all | prepare | start) ;; *) fail 2 "unknown phase '$PHASE' (all, prepare or start)" ;; esac

if [ "$PHASE" = start ] && [ -d "$STATE_DIR" ]; then
    : >"$MARKER" || fail 1 "cannot write $MARKER"  # prepare made it: two processes less
else
    mkdir -p "$STATE_DIR" && chmod 0711 "$STATE_DIR" && : >"$MARKER" ||
        fail 1 "cannot create $STATE_DIR"
fi
if [ "$PHASE" != start ]; then
    say "preparing runner $RUNNER_NAME (source $SOURCE, credentials $CREDENTIALS)"
    wait_for_cloud_init
    ensure_user
    configure_sudo
    case $SOURCE in
    tarball) unpack_tarball ;;
    mount) link_mount ;;
    installed) ;;
    esac
    check_runner_dir
    write_helper
    if [ "$PHASE" = prepare ]; then
        [ "$CREDENTIALS" = jit ] && arm_supervisor
        # A warm instance may idle (frozen) for hours: nothing here depends on the time.
        : >"$PREPARED" || fail 1 "cannot write $PREPARED"
        say "prepared in $(($(now) - START_TIME))s; waiting for a job"
        exit 0
    fi
else
    [ -f "$PREPARED" ] || fail 2 "this instance was not prepared (no $PREPARED): run phase prepare first"
    # runner.pid: started the cold way; WOKEN: by phase start; an armed runner that lives
    # but no longer holds the FIFO: woken from the host.
    if [ -e "$STATE_DIR/runner.pid" ] || [ -e "$WOKEN" ] ||
        { [ -p "$FIFO" ] && alive "$ARMED_RUNNER_PID" && ! armed_runner_waiting; }; then
        fail 2 "a runner was started in this instance already"
    fi
    take_credential
    if armed; then
        if [ -z "$CRED_VALUE" ]; then  # a provisioner that pushed the file
            [ -f "$CRED_FILE" ] || fail 2 "credential file $CRED_FILE is missing"
            IFS= read -r CRED_VALUE <"$CRED_FILE" || [ -n "$CRED_VALUE" ] ||
                fail 1 "cannot read the credential file $CRED_FILE"
            rm -f "$CRED_FILE"
        fi
        # The armed runner would take an empty line as a failure and exit.
        [ -n "$CRED_VALUE" ] || fail 2 "the credential is empty"
        say "starting runner $RUNNER_NAME (prepared, supervisor armed)"
        start_armed
        say "done in $(($(now) - START_TIME))s"
        exit 0
    fi
    disarm
    # Not armed: the rest of the script takes the credential from its file.
    if [ -n "$CRED_VALUE" ]; then
        (umask 077 && printf '%s' "$CRED_VALUE" >"$CRED_FILE") ||
            fail 1 "cannot write the credential file $CRED_FILE"
        CRED_VALUE=
    fi
    START_TIME=$(now)
    say "starting runner $RUNNER_NAME (prepared; credentials $CREDENTIALS)"
    ensure_user
fi
if [ "$CREDENTIALS" = registration-token ]; then
    place_credential
    configure_runner
else
    [ -f "$CRED_FILE" ] || fail 2 "credential file $CRED_FILE is missing"
    say "the runner's supervisor reads the JIT configuration from $CRED_FILE as root"
fi
start_runner
say "done in $(($(now) - START_TIME))s"
exit 0
