#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# lxd-test-env.sh - prepare (idempotently) a local LXD for the lxdrunner LXD
# integration tests: packages, a running daemon (started by hand, no systemd
# needed), a `dir` storage pool + NIC-less default profile, and a tiny
# busybox/bash test image imported under an alias.
#
# Usage: lxd-test-env.sh [ensure|image-only|status|stop|clean|help]
#
#   ensure      (default) install what is missing, start LXD if it does not
#               answer, preseed pool/profile if missing, build+import the image
#               if missing or stale, then print one summary line.
#   image-only  only build (or reuse the cached) tarball and import it; needs a
#               reachable LXD for the import (exit 1 if LXD is not reachable).
#   status      print what is there; exit 0 if everything `ensure` sets up is
#               in place and current, 1 otherwise.
#   stop        `lxd shutdown` (stops the daemon and its instances).
#   clean       delete instances named lxdrt-* or lxdrunner-test-* (only those).
#
# Environment:
#   LXDRUNNER_TEST_IMAGE_ALIAS  image alias (default: lxdrunner-test)
#   LXDRUNNER_TEST_IMAGE_CACHE  tarball cache directory
#                               (default: ${XDG_CACHE_HOME:-$HOME/.cache}/lxdrunner/test-image)
#   LXD_SOCKET / LXD_DIR        usual LXD overrides for the unix socket location
#
# Never creates a network/bridge: instances reach host services only through
# LXD `proxy` devices on 127.0.0.1 (see README.md next to this script).

set -euo pipefail

readonly PROG=lxd-test-env
readonly IMAGE_ALIAS=${LXDRUNNER_TEST_IMAGE_ALIAS:-lxdrunner-test}
readonly IMAGE_CACHE=${LXDRUNNER_TEST_IMAGE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lxdrunner/test-image}
readonly HASH_PROPERTY=lxdrunner.test-image.hash
readonly BUSYBOX_BIN=/bin/busybox
readonly BASH_STATIC_BIN=/bin/bash-static
readonly LXD_LOGFILE=/var/log/lxd/lxd.log
readonly LXD_STDIO_LOG=/var/log/lxd/lxd.stdio.log
readonly POOL_NAME=default
readonly PACKAGES=(lxd lxd-client busybox-static bash-static)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}

T0=${EPOCHREALTIME/,/.}

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
elapsed() { awk -v a="$T0" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.2fs", b - a }'; }

# --------------------------------------------------------------------------
# socket / daemon helpers
# --------------------------------------------------------------------------

# Same lookup order as lxdrunner: $LXD_SOCKET, $LXD_DIR/unix.socket, snap, deb.
resolve_socket() {
    if [ -n "${LXD_SOCKET:-}" ]; then
        SOCKET=$LXD_SOCKET
    elif [ -n "${LXD_DIR:-}" ]; then
        SOCKET=$LXD_DIR/unix.socket
    elif [ -S /var/snap/lxd/common/lxd/unix.socket ]; then
        SOCKET=/var/snap/lxd/common/lxd/unix.socket
    else
        SOCKET=/var/lib/lxd/unix.socket
    fi
    # The Debian `lxc`/`lxd` clients honour LXD_SOCKET: make every call below
    # talk to the socket we report.
    export LXD_SOCKET=$SOCKET
}

lxd_answers() {
    [ -S "$SOCKET" ] && command -v lxc >/dev/null 2>&1 &&
        timeout 15 lxc query /1.0 >/dev/null 2>&1
}

# PIDs of running LXD daemons (comm "lxd", first argument empty or an option;
# excludes helpers such as `lxd forkexec` or `lxd waitready`, and zombies).
lxd_daemon_pids() {
    local d comm stat arg1
    for d in /proc/[0-9]*; do
        read -r comm <"$d/comm" 2>/dev/null || continue
        [ "$comm" = lxd ] || continue
        # skip zombies: an exited daemon whose parent (PID 1 here) has not
        # reaped it yet still shows up with comm "lxd"
        read -r stat <"$d/stat" 2>/dev/null || continue
        case ${stat##*) } in Z* | X*) continue ;; esac
        arg1=$(tr '\0' '\n' <"$d/cmdline" 2>/dev/null | sed -n 2p) || continue
        case $arg1 in "" | -*) printf '%s\n' "${d#/proc/}" ;; esac
    done
}

server_version() {
    lxc query /1.0 2>/dev/null | sed -n 's/.*"server_version": "\([^"]*\)".*/\1/p' | head -n1
}

# cgroups: LXD needs a mounted hierarchy. Without systemd nothing may have
# mounted one; mount cgroup2 in that case (best effort).
prepare_cgroups() {
    if [ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
        log "no cgroup hierarchy mounted on /sys/fs/cgroup, mounting cgroup2"
        mkdir -p /sys/fs/cgroup
        mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup 2>/dev/null ||
            mount -t cgroup2 cgroup2 /sys/fs/cgroup ||
            log "warning: could not mount cgroup2; LXD may fail to start"
    fi
}

start_lxd() {
    if lxd_answers; then return 0; fi
    case $SOCKET in
    /var/snap/*) die "snap LXD socket $SOCKET does not answer; start it with 'snap start lxd'" ;;
    esac
    is_root || die "LXD is not answering on $SOCKET and starting it needs root"
    command -v lxd >/dev/null || die "lxd binary not found"

    local pids
    pids=$(lxd_daemon_pids)
    if [ -n "$pids" ]; then
        log "LXD daemon already running (pid ${pids//$'\n'/ }), waiting for it"
    else
        if [ -e "$SOCKET" ]; then
            log "removing stale socket $SOCKET (no LXD daemon running)"
            rm -f "$SOCKET"
        fi
        prepare_cgroups
        mkdir -p "$(dirname "$LXD_LOGFILE")" "${LXD_DIR:-/var/lib/lxd}"
        log "starting LXD daemon (log: $LXD_LOGFILE)"
        # New session, stdio detached from us, so the daemon outlives this
        # script and whatever job runner called it.
        (
            # Never let the daemon inherit (and hold for its lifetime) a descriptor of ours,
            # such as a caller's `flock FILE cmd` lock: that lock would never be free again.
            for fd in /proc/$BASHPID/fd/*; do
                fd=${fd##*/}
                [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
            done 2>/dev/null
            ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
            cd /
            exec setsid nohup lxd --group root --logfile "$LXD_LOGFILE" \
                </dev/null >>"$LXD_STDIO_LOG" 2>&1
        ) &
        disown $! 2>/dev/null || true
    fi

    local i
    for ((i = 0; i < 60; i++)); do
        if lxd waitready --timeout=1 >/dev/null 2>&1; then
            lxd_answers && return 0
        fi
        if [ -z "$(lxd_daemon_pids)" ]; then
            tail -n 20 "$LXD_LOGFILE" "$LXD_STDIO_LOG" >&2 2>/dev/null || true
            die "LXD daemon exited during startup (see $LXD_LOGFILE)"
        fi
    done
    tail -n 20 "$LXD_LOGFILE" >&2 2>/dev/null || true
    die "LXD did not become ready within 60s (see $LXD_LOGFILE)"
}

# --------------------------------------------------------------------------
# packages
# --------------------------------------------------------------------------

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2
}

ensure_packages() {
    local missing=() p
    if command -v dpkg-query >/dev/null; then
        local installed
        installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
        for p in "${PACKAGES[@]}"; do
            grep -qx "$p installed" <<<"$installed" || missing+=("$p")
        done
    else
        command -v lxd >/dev/null || missing+=(lxd)
        command -v lxc >/dev/null || missing+=(lxd-client)
        [ -x "$BUSYBOX_BIN" ] || missing+=(busybox-static)
        [ -x "$BASH_STATIC_BIN" ] || missing+=(bash-static)
        [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]} and no dpkg/apt to install them"
    fi
    [ ${#missing[@]} -eq 0 ] && return 0

    is_root || die "missing packages: ${missing[*]} (installing needs root)"
    log "installing: ${missing[*]}"
    if compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null && apt_install "${missing[@]}"; then
        return 0
    fi
    log "apt-get install failed or package lists are empty: running apt-get update"
    apt-get update >&2
    apt_install "${missing[@]}"
}

# --------------------------------------------------------------------------
# storage pool + default profile
# --------------------------------------------------------------------------

profile_has_root_disk() {
    lxc profile device show default 2>/dev/null | awk '
        /^[^ ]/        { dev = $0 }
        /^  path: \/$/ { path[dev] = 1 }
        /^  type: disk$/ { disk[dev] = 1 }
        END { for (d in path) if (d in disk) found = 1; exit !found }'
}

profile_device_count() {
    lxc profile device list default 2>/dev/null | grep -c . || true
}

ensure_storage() {
    local have_pool=0 have_root=0
    lxc storage show "$POOL_NAME" >/dev/null 2>&1 && have_pool=1
    profile_has_root_disk && have_root=1
    [ $have_pool = 1 ] && [ $have_root = 1 ] && return 0

    if [ $have_pool = 0 ]; then
        if [ $have_root = 0 ] && [ "$(profile_device_count)" = 0 ]; then
            log "preseeding: dir storage pool '$POOL_NAME' + default profile with root disk only"
            lxd init --preseed <<EOF
storage_pools:
- name: $POOL_NAME
  driver: dir
  description: lxdrunner test pool
profiles:
- name: default
  description: Default LXD profile (lxdrunner test env, no NIC)
  devices:
    root:
      type: disk
      path: /
      pool: $POOL_NAME
EOF
            return 0
        fi
        log "preseeding: dir storage pool '$POOL_NAME'"
        lxd init --preseed <<EOF
storage_pools:
- name: $POOL_NAME
  driver: dir
  description: lxdrunner test pool
EOF
    fi
    if [ $have_root = 0 ]; then
        log "adding root disk (pool $POOL_NAME) to the default profile"
        lxc profile device add default root disk path=/ pool="$POOL_NAME" >/dev/null
    fi
}

# --------------------------------------------------------------------------
# test image
# --------------------------------------------------------------------------
# image_build_tree and image_pack are hashed (their `declare -f` text) together
# with the sha256 of the busybox and bash binaries: changing either function
# or either binary yields a new content hash, hence a new tarball + import.

# image_build_tree DIR HASH EPOCH: write metadata.yaml, templates/ and rootfs/.
image_build_tree() {
    local dir=$1 hash=$2 epoch=$3 r=$1/rootfs p arch bbver bashver
    umask 022
    mkdir -p "$r" "$dir/templates"
    for p in bin sbin usr/bin usr/sbin usr/local/bin usr/local/sbin etc/init.d \
        dev proc sys run root home mnt var/log var/lib var/cache; do
        mkdir -p "$r/$p"
    done
    mkdir -p "$r/tmp" "$r/var/tmp"
    chmod 1777 "$r/tmp" "$r/var/tmp"
    chmod 0700 "$r/root"
    ln -s /run "$r/var/run"
    ln -s /proc/self/mounts "$r/etc/mtab"

    # busybox with every applet as a symlink at its canonical place
    install -m 0755 "$BUSYBOX_BIN" "$r/bin/busybox"
    for p in $("$BUSYBOX_BIN" --list-full); do
        case $p in bin/busybox | linuxrc | */) continue ;; esac
        [ -e "$r/$p" ] || [ -L "$r/$p" ] || ln -s /bin/busybox "$r/$p"
    done
    # bash-static as /bin/bash (/bin/sh stays busybox ash)
    install -m 0755 "$BASH_STATIC_BIN" "$r/bin/bash"

    printf '%s\n' \
        'root:x:0:0:root:/root:/bin/sh' \
        'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$r/etc/passwd"
    printf '%s\n' 'root:x:0:' 'users:x:100:' 'nogroup:x:65534:' >"$r/etc/group"
    printf '%s\n' 'root:*::0:::::' 'nobody:*::0:::::' >"$r/etc/shadow"
    chmod 0640 "$r/etc/shadow"
    printf '%s\n' /bin/sh /bin/ash /bin/bash >"$r/etc/shells"
    echo lxdrunner-test >"$r/etc/hostname"
    printf '%s\n' '127.0.0.1 localhost' '::1 localhost ip6-localhost ip6-loopback' >"$r/etc/hosts"
    : >"$r/etc/resolv.conf"
    cat >"$r/etc/os-release" <<'EOF'
NAME="lxdrunner test image"
ID=lxdrunner-test
PRETTY_NAME="lxdrunner test image (busybox + bash-static)"
EOF
    cat >"$r/etc/profile" <<'EOF'
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME="${HOME:-/root}"
umask 022
EOF

    # busybox init: sysinit, no getty/askfirst (the container just idles),
    # shutdown action that makes stop/poweroff immediate (see rcK).
    cat >"$r/etc/inittab" <<'EOF'
# lxdrunner test image: busybox init, no console/getty.
# lxc stop sends SIGPWR, `poweroff` SIGUSR2, `halt` SIGUSR1, `reboot` SIGTERM;
# busybox init handles all four by running the ::shutdown: actions.
::sysinit:/etc/init.d/rcS
::shutdown:/etc/init.d/rcK
::restart:/sbin/init
EOF
    cat >"$r/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# Boot: mount only what LXD has not mounted already, bring up lo.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
mounted() { grep -q "^[^ ]* $1 " /proc/mounts 2>/dev/null; }
mounted /proc || mount -t proc -o nosuid,nodev,noexec proc /proc
mounted /sys || mount -t sysfs -o nosuid,nodev,noexec sysfs /sys 2>/dev/null
mkdir -p /dev/pts /dev/shm
mounted /dev/pts || mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts 2>/dev/null
mounted /dev/shm || mount -t tmpfs -o nosuid,nodev,mode=1777 shm /dev/shm 2>/dev/null
mounted /run || mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run 2>/dev/null
rm -f /run/.lxdrunner-reboot
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null
exit 0
EOF
    cat >"$r/etc/init.d/rcK" <<'EOF'
#!/bin/sh
# Run by busybox init before halt/poweroff/reboot. busybox's own sequence
# sleeps 1 s after SIGTERM and 1 s before reboot(2) (~2 s per stop); instead
# give processes up to 1 s to exit and then call reboot(2) directly, which in
# a container's PID namespace ends init at once (LXD sees halt or reboot).
kill -TERM -1 2>/dev/null
i=0
while [ $i -lt 20 ]; do
    n=0
    for d in /proc/[0-9]*; do
        read -r s <"$d/stat" 2>/dev/null || continue
        case ${s##*) } in Z*) ;; *) n=$((n + 1)) ;; esac
    done
    [ $n -le 2 ] && break # init + this script
    usleep 50000
    i=$((i + 1))
done
if [ -e /run/.lxdrunner-reboot ]; then
    exec /bin/busybox reboot -n -f
fi
exec /bin/busybox poweroff -n -f
EOF
    # `reboot` leaves a marker so rcK reboots instead of powering off
    rm -f "$r/sbin/reboot"
    cat >"$r/sbin/reboot" <<'EOF'
#!/bin/sh
: >/run/.lxdrunner-reboot 2>/dev/null
exec /bin/busybox reboot "$@"
EOF
    chmod 0755 "$r/etc/init.d/rcS" "$r/etc/init.d/rcK" "$r/sbin/reboot"

    echo '{{ container.name }}' >"$dir/templates/hostname.tpl"
    printf '%s\n' '127.0.0.1 localhost {{ container.name }}' \
        '::1 localhost ip6-localhost ip6-loopback' >"$dir/templates/hosts.tpl"

    arch=$(uname -m)
    bbver=$("$BUSYBOX_BIN" 2>/dev/null | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')
    # shellcheck disable=SC2016 # expanded by bash-static, not here
    bashver=$("$BASH_STATIC_BIN" -c 'echo "${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}.${BASH_VERSINFO[2]}"')
    cat >"$dir/metadata.yaml" <<EOF
architecture: $arch
creation_date: $epoch
properties:
  os: busybox
  release: "$bbver"
  architecture: $arch
  description: "lxdrunner test image (busybox $bbver, bash $bashver)"
  $HASH_PROPERTY: "$hash"
templates:
  /etc/hostname:
    when: [create, copy]
    template: hostname.tpl
  /etc/hosts:
    when: [create, copy]
    template: hosts.tpl
EOF
}

# image_pack DIR EPOCH OUT: deterministic unified tarball (same inputs ->
# same bytes -> same LXD fingerprint).
image_pack() {
    local dir=$1 epoch=$2 out=$3
    tar -C "$dir" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
        --format=gnu -cf - metadata.yaml templates rootfs | gzip -n -6 >"$out"
}

input_hash() {
    [ -x "$BUSYBOX_BIN" ] && [ -x "$BASH_STATIC_BIN" ] || return 1
    {
        declare -f image_build_tree image_pack
        echo "$HASH_PROPERTY $(uname -m)"
        sha256sum <"$BUSYBOX_BIN"
        sha256sum <"$BASH_STATIC_BIN"
    } | sha256sum | cut -d' ' -f1
}

# print "FINGERPRINT HASH" of the image behind $IMAGE_ALIAS, nothing if absent
alias_state() {
    local fp hash
    fp=$(lxc query "/1.0/images/aliases/$IMAGE_ALIAS" 2>/dev/null |
        sed -n 's/.*"target": "\([0-9a-f]*\)".*/\1/p') || true
    [ -n "$fp" ] || return 0
    hash=$(image_hash_property "$fp")
    echo "$fp ${hash:--}"
}

image_hash_property() {
    lxc query "/1.0/images/$1" 2>/dev/null |
        sed -n "s/.*\"${HASH_PROPERTY//./\\.}\": \"\([0-9a-f]*\)\".*/\1/p" | head -n1
}

image_exists() { lxc query "/1.0/images/$1" >/dev/null 2>&1; }

image_has_no_alias() {
    lxc query "/1.0/images/$1" 2>/dev/null | tr -d ' \t\n' | grep -q '"aliases":\(\[\]\|null\)'
}

# build (or reuse) the cached tarball for HASH; prints its path
build_tarball() {
    local hash=$1 tarball epoch tmp
    tarball=$IMAGE_CACHE/lxdrunner-test-$hash.tar.gz
    if [ -s "$tarball" ]; then
        echo "$tarball"
        return 0
    fi
    mkdir -p "$IMAGE_CACHE"
    # newest input mtime: deterministic creation_date for identical inputs
    epoch=$(stat -c %Y "$BUSYBOX_BIN" "$BASH_STATIC_BIN" | sort -n | tail -n1)
    tmp=$(mktemp -d "$IMAGE_CACHE/.build.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    log "building test image ${hash:0:12} in $IMAGE_CACHE"
    image_build_tree "$tmp/tree" "$hash" "$epoch"
    image_pack "$tmp/tree" "$epoch" "$tmp/image.tar.gz"
    mv -f "$tmp/image.tar.gz" "$tarball"
    rm -rf "$tmp"
    trap - EXIT
    # keep only the current build in the cache
    find "$IMAGE_CACHE" -maxdepth 1 -name 'lxdrunner-test-*.tar.gz' ! -name "${tarball##*/}" -delete
    echo "$tarball"
}

# build+import if needed; sets IMAGE_FP and IMAGE_HASH
ensure_image() {
    local want state fp have tarball newfp
    want=$(input_hash) || die "busybox ($BUSYBOX_BIN) or bash-static ($BASH_STATIC_BIN) missing"
    IMAGE_HASH=$want
    state=$(alias_state)
    fp=${state%% *}
    have=${state#* }
    if [ -n "$state" ] && [ "$have" = "$want" ]; then
        IMAGE_FP=$fp
        return 0
    fi

    tarball=$(build_tarball "$want")
    newfp=$(sha256sum <"$tarball" | cut -d' ' -f1)
    if ! image_exists "$newfp"; then
        log "importing $tarball"
        lxc image import "$tarball" >/dev/null
    fi
    if [ -n "$state" ] && [ "$fp" != "$newfp" ]; then
        lxc image alias delete "$IMAGE_ALIAS" >/dev/null
    fi
    if [ -z "$state" ] || [ "$fp" != "$newfp" ]; then
        lxc image alias create "$IMAGE_ALIAS" "$newfp" >/dev/null
        log "alias $IMAGE_ALIAS -> ${newfp:0:12}"
    fi
    # drop the image the alias used to point at, if it is one of ours and
    # nothing else names it
    if [ -n "$state" ] && [ "$fp" != "$newfp" ] && [ "$have" != - ] && image_has_no_alias "$fp"; then
        log "deleting previous test image ${fp:0:12}"
        lxc image delete "$fp" >/dev/null || true
    fi
    IMAGE_FP=$newfp
}

# --------------------------------------------------------------------------
# subcommands
# --------------------------------------------------------------------------

with_lock() {
    mkdir -p "$IMAGE_CACHE"
    exec 9>"$IMAGE_CACHE/.lock"
    flock -w 300 9 || die "another $PROG holds $IMAGE_CACHE/.lock (waited 300s)"
}

cmd_ensure() {
    with_lock
    ensure_packages
    resolve_socket
    start_lxd
    ensure_storage
    ensure_image
    printf '%s: ready: LXD %s, socket %s, image %s fingerprint %s (hash %s), took %s\n' \
        "$PROG" "$(server_version)" "$SOCKET" "$IMAGE_ALIAS" "$IMAGE_FP" "${IMAGE_HASH:0:16}" "$(elapsed)"
}

cmd_image_only() {
    with_lock
    local hash tarball
    hash=$(input_hash) || die "busybox ($BUSYBOX_BIN) or bash-static ($BASH_STATIC_BIN) missing"
    resolve_socket
    if ! lxd_answers; then
        tarball=$(build_tarball "$hash")
        log "tarball: $tarball"
        die "LXD not reachable on $SOCKET: image built but not imported"
    fi
    ensure_image
    printf '%s: image %s fingerprint %s (hash %s), took %s\n' \
        "$PROG" "$IMAGE_ALIAS" "$IMAGE_FP" "${IMAGE_HASH:0:16}" "$(elapsed)"
}

cmd_status() {
    local ok=0 pids state want fp have driver
    resolve_socket
    pids=$(lxd_daemon_pids)
    echo "socket:   $SOCKET"
    if [ -n "$pids" ]; then
        echo "daemon:   pid ${pids//$'\n'/ }"
    else
        echo "daemon:   not running (or not visible)"
    fi
    if ! lxd_answers; then
        echo "lxd:      not answering"
        echo "status:   not ready"
        return 1
    fi
    echo "lxd:      $(server_version)"
    driver=$(lxc storage show "$POOL_NAME" 2>/dev/null | sed -n 's/^driver: //p')
    if [ -n "$driver" ]; then
        echo "pool:     $POOL_NAME ($driver)"
    else
        echo "pool:     $POOL_NAME missing"
        ok=1
    fi
    if profile_has_root_disk; then
        echo "profile:  default has a root disk ($(profile_device_count) device(s))"
    else
        echo "profile:  default has NO root disk"
        ok=1
    fi
    want=$(input_hash 2>/dev/null) || want=
    state=$(alias_state)
    if [ -z "$state" ]; then
        echo "image:    $IMAGE_ALIAS missing"
        ok=1
    else
        fp=${state%% *}
        have=${state#* }
        if [ -n "$want" ] && [ "$have" = "$want" ]; then
            echo "image:    $IMAGE_ALIAS -> $fp (hash ${have:0:16}, current)"
        else
            echo "image:    $IMAGE_ALIAS -> $fp (hash ${have:0:16}, STALE: want ${want:0:16})"
            ok=1
        fi
    fi
    echo "tests:    $(test_instances | wc -l) test instance(s)"
    if [ $ok = 0 ]; then echo "status:   ready"; else echo "status:   incomplete"; fi
    return $ok
}

cmd_stop() {
    resolve_socket
    if ! lxd_answers && [ -z "$(lxd_daemon_pids)" ]; then
        log "LXD is not running"
        return 0
    fi
    log "shutting down LXD"
    lxd shutdown --timeout=60
}

test_instances() {
    lxc list -c n -f csv 2>/dev/null | grep -E '^(lxdrt-|lxdrunner-test-)' || true
}

cmd_clean() {
    resolve_socket
    lxd_answers || die "LXD not reachable on $SOCKET"
    local n i deleted=0
    for n in $(test_instances); do
        # right after an in-container poweroff LXD may still be finishing its
        # stop operation ("Instance is busy running a stop operation")
        for i in 1 2 3 4 5 6 7 8 9 10; do
            lxc delete --force "$n" >/dev/null 2>&1 && break
            lxc info "$n" >/dev/null 2>&1 || break
            sleep 0.5
        done
        if lxc info "$n" >/dev/null 2>&1; then
            log "could not delete $n"
        else
            deleted=$((deleted + 1))
        fi
    done
    # LXD 5.0 leaves /var/log/lxd/<name>/ behind on delete; drop those of
    # test instances that no longer exist
    local logdir=${LXD_LOGFILE%/*} d
    for d in "$logdir"/lxdrt-* "$logdir"/lxdrunner-test-*; do
        [ -d "$d" ] || continue
        lxc info "${d##*/}" >/dev/null 2>&1 || rm -rf "$d"
    done
    log "deleted $deleted test instance(s)"
}

usage() { sed -n '4,/^$/{s/^# \{0,1\}//;p}' "$0"; }

main() {
    local cmd=${1:-ensure}
    case $cmd in
    ensure) cmd_ensure ;;
    image-only) cmd_image_only ;;
    status) cmd_status ;;
    stop) cmd_stop ;;
    clean) cmd_clean ;;
    help | -h | --help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
