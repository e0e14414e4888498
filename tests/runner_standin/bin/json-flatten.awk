# SPDX-License-Identifier: Apache-2.0
# Reads one JSON document and prints one line per scalar: PATH<TAB>VALUE, where PATH joins
# object keys and array indexes with dots (job.id, job.labels.0, repository). Numbers keep
# their exact text (ids above 2^53 survive), strings are unescaped (\n, \r and \t become a
# space so every value fits on its line), null prints as an empty value.
# Works with busybox awk and mawk/gawk: the guest image may have nothing else.

function fail(what) {
  printf "json-flatten: %s at offset %d\n", what, pos > "/dev/stderr"
  bad = 1
  exit 1
}

function skip_ws() {
  while (pos <= n && index(" \t\r\n", substr(S, pos, 1)) > 0) pos++
}

function join(path, key) {
  return path == "" ? key : path "." key
}

function parse_string(   out, c, rest, hex) {
  pos++  # the opening quote
  out = ""
  while (pos <= n) {
    rest = substr(S, pos)
    if (match(rest, /^[^"\\]+/)) {
      out = out substr(rest, 1, RLENGTH)
      pos += RLENGTH
      continue
    }
    c = substr(S, pos, 1)
    if (c == "\"") {
      pos++
      return out
    }
    # a backslash escape
    c = substr(S, pos + 1, 1)
    if (c == "n" || c == "r" || c == "t") out = out " "
    else if (c == "b" || c == "f") out = out ""
    else if (c == "u") {
      hex = substr(S, pos + 2, 4)
      out = out "\\u" hex  # kept as written: no value the runner reads needs it decoded
      pos += 4
    } else out = out c  # \" \\ \/
    pos += 2
  }
  fail("unterminated string")
}

function parse_value(path,   c, key, index_, rest) {
  skip_ws()
  c = substr(S, pos, 1)
  if (c == "{") {
    pos++
    skip_ws()
    if (substr(S, pos, 1) == "}") { pos++; return }
    while (1) {
      skip_ws()
      if (substr(S, pos, 1) != "\"") fail("expected a key")
      key = parse_string()
      skip_ws()
      if (substr(S, pos, 1) != ":") fail("expected ':'")
      pos++
      parse_value(join(path, key))
      skip_ws()
      c = substr(S, pos, 1)
      pos++
      if (c == "}") return
      if (c != ",") fail("expected ',' or '}'")
    }
  }
  if (c == "[") {
    pos++
    skip_ws()
    if (substr(S, pos, 1) == "]") { pos++; return }
    index_ = 0
    while (1) {
      parse_value(join(path, index_))
      index_++
      skip_ws()
      c = substr(S, pos, 1)
      pos++
      if (c == "]") return
      if (c != ",") fail("expected ',' or ']'")
    }
  }
  if (c == "\"") {
    printf "%s\t%s\n", path, parse_string()
    return
  }
  rest = substr(S, pos)
  if (match(rest, /^(true|false|null|-?[0-9][0-9.eE+-]*)/)) {
    c = substr(rest, 1, RLENGTH)
    printf "%s\t%s\n", path, (c == "null" ? "" : c)
    pos += RLENGTH
    return
  }
  fail("unexpected character")
}

{ S = S $0 "\n" }

END {
  if (bad) exit 1
  n = length(S)
  pos = 1
  skip_ws()
  if (pos > n) exit 1
  parse_value("")
  skip_ws()
  if (pos <= n) fail("trailing text")
}
