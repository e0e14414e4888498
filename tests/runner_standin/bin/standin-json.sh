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
  local line key=$2$'\t'
  while IFS= read -r line; do
    if [[ $line == "$key"* ]]; then
      printf '%s\n' "${line#"$key"}"
      return 0
    fi
  done <<<"$1"
  return 1
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
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
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
