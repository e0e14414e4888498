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
# A here-string, not `printf | awk`: bash's printf writes line by line, so an awk that
# stopped at its match made the next write die of SIGPIPE, and under pipefail (the
# listener's) a present key read as absent, on a loaded machine only. awk also reads to
# the end rather than exit at the match, so no writer can ever be cut off.
json_get() {
  awk -F '\t' -v want="$2" '
    !found && $1 == want { sub(/^[^\t]*\t/, ""); print; found = 1 }
    END { exit !found }' <<<"$1"
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
