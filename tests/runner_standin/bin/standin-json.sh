# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# JSON helpers for the stand-in runner, sourced by Runner.Listener. Reading goes through
# json-flatten.awk (PATH<TAB>VALUE lines), writing through json_quote; nothing else is
# needed from the guest than bash and an awk.

# json_flatten < DOCUMENT: the PATH<TAB>VALUE lines, non-zero when the document is not JSON.
json_flatten() {
  awk -f "$STANDIN_BIN/json-flatten.awk"
}

# json_get FLAT PATH: the value at PATH in flattened JSON; non-zero when it is absent.
# bash alone, no awk process per field (the runner's start reads a dozen). A here-string
# has no writer process that an early return could cut off (an earlier `printf | awk`
# died of SIGPIPE under pipefail on a loaded machine).
json_get() {
  local value
  json_get_to value "$1" "$2" || return 1
  printf '%s\n' "$value"
}

# json_get_to VAR FLAT PATH: json_get into VAR, without the subshell of $(json_get ...).
json_get_to() {
  local _jg_line _jg_key=$3$'\t'
  while IFS= read -r _jg_line; do
    if [[ $_jg_line == "$_jg_key"* ]]; then
      printf -v "$1" '%s' "${_jg_line#"$_jg_key"}"
      return 0
    fi
  done <<<"$2"
  return 1
}

# json_unpack_jit DIR JITCONFIG: writes the JIT config's files into DIR and prints .runner
# flattened (json-flatten.awk, mode jit). The config goes in on stdin, never as an argument.
json_unpack_jit() {
  awk -v mode=jit -v dir="$1" -f "$STANDIN_BIN/json-flatten.awk" <<<"$2"
}

# json_list FLAT PATH: the elements of the array at PATH, one per line.
json_list() {
  awk -F '\t' -v prefix="$2." '
    index($1, prefix) == 1 && substr($1, length(prefix) + 1) ~ /^[0-9]+$/ {
      sub(/^[^\t]*\t/, ""); print
    }' <<<"$1"
}

# json_quote TEXT: TEXT as a JSON string literal.
json_quote() {
  local quoted
  json_quote_to quoted "$1"
  printf '%s' "$quoted"
}

# json_quote_to VAR TEXT: json_quote into VAR, without a subshell.
json_quote_to() {
  local _jq_s=$2
  _jq_s=${_jq_s//\\/\\\\}
  _jq_s=${_jq_s//\"/\\\"}
  _jq_s=${_jq_s//$'\n'/\\n}
  _jq_s=${_jq_s//$'\r'/\\r}
  _jq_s=${_jq_s//$'\t'/\\t}
  printf -v "$1" '"%s"' "$_jq_s"
}

# json_string_array "a,b,c": ["a","b","c"] (blank items dropped, spaces around items trimmed).
json_string_array() {
  local out='' item items
  IFS=, read -r -a items <<<"$1"
  for item in "${items[@]}"; do
    item=${item#"${item%%[![:space:]]*}"}
    item=${item%"${item##*[![:space:]]}"}
    [ -n "$item" ] || continue
    out+=${out:+,}$(json_quote "$item")
  done
  printf '[%s]' "$out"
}
