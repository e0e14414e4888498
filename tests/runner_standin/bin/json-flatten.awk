# SPDX-License-Identifier: Apache-2.0
# Reads one JSON document and prints one line per scalar: PATH<TAB>VALUE, where PATH joins
# object keys and array indexes with dots (job.id, job.labels.0, repository). Numbers keep
# their exact text (ids above 2^53 survive), strings are unescaped (\n, \r and \t become a
# space so every value fits on its line), null prints as an empty value.
# Works with busybox awk and mawk/gawk: the guest image may have nothing else.
#
# With -v mode=jit -v dir=DIR it reads a runner's JIT config instead (the base64 of
# {file name: base64 of its content}), writes .runner, .credentials and
# .credentials_rsaparams (if present) into DIR, and prints .runner flattened: the runner's
# start in one process. Exit 3: not base64 or not JSON; 4: a file is missing (its name on
# stderr). The files hold JSON, so the decoder only needs to produce ASCII.

function fail(what) {
  printf "json-flatten: %s at offset %d\n", what, pos > "/dev/stderr"
  bad = 1
  exit 1
}

function skip_ws() {
  while (pos <= n && index(" \t\r\n", substr(S, pos, 1)) > 0) pos++
}

# A scalar: printed, or kept in V[] while the JIT config's outer object is read.
function emit(path, value) {
  if (collect) V[path] = value
  else printf "%s\t%s\n", path, value
}

function b64_decode(s,   out, i, n, c, bits, nbits, v, a) {
  if (!b64_ready) {
    a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    for (i = 0; i < 64; i++) B64[substr(a, i + 1, 1)] = i
    P2[0] = 1  # no ^: busybox awk may be built without math support
    for (i = 1; i <= 8; i++) P2[i] = P2[i - 1] * 2
    b64_ready = 1
  }
  out = ""
  bits = 0
  nbits = 0
  n = length(s)
  for (i = 1; i <= n; i++) {
    c = substr(s, i, 1)
    if (c == "=") break
    if (c == "\n" || c == "\r") continue
    if (!(c in B64)) exit 3
    bits = bits * 64 + B64[c]
    nbits += 6
    if (nbits >= 8) {
      nbits -= 8
      v = int(bits / P2[nbits])
      bits -= v * P2[nbits]
      out = out sprintf("%c", v)
    }
  }
  return out
}

# parse_document TEXT EMPTY_STATUS: the whole of TEXT is one JSON value; exits EMPTY_STATUS
# when it holds nothing.
function parse_document(text, empty_status) {
  S = text
  n = length(S)
  pos = 1
  skip_ws()
  if (pos > n) exit empty_status
  parse_value("")
  skip_ws()
  if (pos <= n) fail("trailing text")
}

function unpack_jit(   names, i, f, content, runner) {
  collect = 1
  parse_document(b64_decode(S), 3)
  collect = 0
  split(".runner .credentials .credentials_rsaparams", names, " ")
  for (i = 1; i <= 3; i++) {
    f = names[i]
    if (!(f in V)) {
      if (f == ".credentials_rsaparams") continue
      printf "%s", f >"/dev/stderr"
      exit 4
    }
    content = b64_decode(V[f])
    printf "%s", content >(dir "/" f)
    close(dir "/" f)
    if (f == ".runner") runner = content
  }
  parse_document(runner, 3)
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
    emit(path, parse_string())
    return
  }
  rest = substr(S, pos)
  if (match(rest, /^(true|false|null|-?[0-9][0-9.eE+-]*)/)) {
    c = substr(rest, 1, RLENGTH)
    emit(path, (c == "null" ? "" : c))
    pos += RLENGTH
    return
  }
  fail("unexpected character")
}

{ S = S $0 "\n" }

END {
  if (bad) exit 1
  if (mode == "jit") {
    unpack_jit()
    exit 0
  }
  parse_document(S, 1)
}
