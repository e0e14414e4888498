# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# HTTP for the stand-in runner, sourced by Runner.Listener: curl when there is one, else
# (busybox) wget, which is all a minimal guest image has. Request bodies go through files so
# a JIT config or token never appears on a command line.
#
# STANDIN_HTTP=curl|wget|auto (auto: curl if found, else wget).

# shellcheck disable=SC2034 # HTTP_STATUS, HTTP_ERROR and HTTP_CLIENT are read by the caller
http_pick_client() {
  case ${STANDIN_HTTP:-auto} in
  curl) command -v curl >/dev/null || { echo "STANDIN_HTTP=curl but curl is not installed" >&2; return 1; }
    HTTP_CLIENT=(curl) ;;
  wget) http_pick_wget || return 1 ;;
  auto) if command -v curl >/dev/null; then HTTP_CLIENT=(curl); else http_pick_wget || return 1; fi ;;
  *) echo "STANDIN_HTTP must be curl, wget or auto, not '$STANDIN_HTTP'" >&2; return 1 ;;
  esac
}

# busybox's wget is preferred: its -S output and error handling are what http_post parses.
http_pick_wget() {
  if command -v busybox >/dev/null && busybox wget --help >/dev/null 2>&1; then
    HTTP_CLIENT=(busybox wget)
  elif command -v wget >/dev/null; then
    HTTP_CLIENT=(wget)
  else
    echo "neither curl nor wget is installed: the runner needs one of them" >&2
    return 1
  fi
}

# For a request the caller marks HTTP_INTERRUPTIBLE=1 (the 50 s long poll): a signal that
# came after the caller's last look at STOP_REQUESTED but before HTTP_CHILD was set found no
# child to kill, and the request would outlive the stop. (Not for the requests a stop itself
# sends, like the disconnect.)
http_stop_if_asked() {
  [ "${HTTP_INTERRUPTIBLE:-0}" = 1 ] && [ "${STOP_REQUESTED:-0}" != 0 ] && kill "$HTTP_CHILD" 2>/dev/null
  return 0
}

# Waits for the client until it is gone. A signal ends a wait at once (the trap has killed
# the client, or found none yet to kill): each round looks at STOP_REQUESTED again, so a
# stop asked at any moment ends an interruptible request, and the client is reaped before
# its files are read.
http_reap() {
  while kill -0 "$HTTP_CHILD" 2>/dev/null; do
    http_stop_if_asked
    wait "$HTTP_CHILD"
  done
  HTTP_CHILD=
}

# http_post URL BODY_FILE OUT_FILE MAX_SECONDS: POSTs the JSON in BODY_FILE, writes the
# answer's body to OUT_FILE and sets HTTP_STATUS; sets it to 000 (and HTTP_ERROR) and returns
# 1 when no answer came. Call it directly, not in $(...): the client runs in the background
# so a signal interrupts the wait at once (the caller's trap kills $HTTP_CHILD).
# http_wget_status VAR FILE: the last HTTP status in wget -S's output, into VAR, in bash
# alone (no subshell either).
http_wget_status() {
  local _hw_line _hw_status=''
  while IFS= read -r _hw_line; do
    _hw_line=${_hw_line#"${_hw_line%%[! ]*}"}
    [[ $_hw_line =~ ^HTTP/[0-9.]+\ ([0-9][0-9][0-9]) ]] && _hw_status=${BASH_REMATCH[1]}
  done <"$2"
  printf -v "$1" '%s' "$_hw_status"
}

# The status and error files are left for the next call to overwrite (and the caller's
# temporary directory to remove): a process less per request. They are emptied here, not
# only by the client's redirections: a signal can kill the client before it ran them, and
# the last request's "200" must not be read as this one's.
http_post() {
  local url=$1 body=$2 out=$3 max=$4 status="" err=$3.err
  HTTP_STATUS=000 HTTP_ERROR=""
  : >"$out"
  : >"$out.status"
  : >"$err"
  if [ "${HTTP_CLIENT[0]}" = curl ]; then
    curl -sS -o "$out" -w '%{http_code}' -X POST --max-time "$max" \
      -H 'Content-Type: application/json' -H 'Accept: application/json' \
      --data-binary @"$body" "$url" >"$out.status" 2>"$err" &
    HTTP_CHILD=$!
    http_reap
    read -r status <"$out.status" 2>/dev/null
  else
    # wget prints the status line with -S; on 4xx/5xx it exits 1 and keeps no body. No -T:
    # Debian's busybox 1.35 wget crashes with it (its default read timeout is 900 s anyway).
    "${HTTP_CLIENT[@]}" -S -O "$out" --header 'Content-Type: application/json' \
      --header 'Accept: application/json' --post-file "$body" "$url" 2>"$err" &
    HTTP_CHILD=$!
    http_reap
    http_wget_status status "$err"
  fi
  case $status in
  [1-5][0-9][0-9]) HTTP_STATUS=$status ;;
  *) HTTP_ERROR=$(tail -n 1 "$err" 2>/dev/null); return 1 ;;
  esac
}
