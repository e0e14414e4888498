#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make_padded_tarball.sh STANDIN.tar.gz OUT.tar.gz [MB]: the stand-in runner padded to the
# size of the real linux-x64 package (~180 MB) with incompressible bytes (bin/padding.bin),
# for benchmarks of anything that pushes or unpacks the runner: a 10 KB stand-in would hide
# what a real package costs a cold launch or a refill. Writes OUT.tar.gz.sha256 too. Kept
# when OUT is newer than STANDIN and of the asked size (regenerating takes ~10 s of CPU).
set -euo pipefail
src=$1 out=$2 mb=${3:-180}
[[ $mb =~ ^[0-9]+$ ]] || { echo "make_padded_tarball: MB must be a whole number, not '$mb'" >&2; exit 2; }
stamp="$out.mb"
if [ -s "$out" ] && [ "$out" -nt "$src" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$mb" ]; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "${out}.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
tar -C "$stage" -xzf "$src"
head -c "$((mb * 1024 * 1024))" /dev/urandom >"$stage/bin/padding.bin"
# gzip -1: the padding does not compress at any level; a higher one only costs time.
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -cf - . | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
(cd "$(dirname "$out")" && sha256sum "$(basename "$out")") >"$out.sha256"
echo "$mb" >"$stamp"
echo "make_padded_tarball: $out ($(($(stat -c %s "$out") / 1024 / 1024)) MB)"
