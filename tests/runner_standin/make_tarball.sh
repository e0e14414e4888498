#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make_tarball.sh SOURCE_DIR OUTPUT.tar.gz: packs the stand-in runner the way
# actions-runner-linux-x64-X.Y.Z.tar.gz is laid out (config.sh, run.sh, bin/ at the top, no
# enclosing folder) and writes OUTPUT.tar.gz.sha256. Same sources give the same bytes.
set -euo pipefail
src=$1 out=$2
readonly FIXED_MTIME=1700000000 # any fixed time: the bytes must not depend on the build
readonly SCRIPTS=(config.sh run.sh bin/Runner.Listener)
readonly DATA=(bin/standin-http.sh bin/standin-json.sh bin/json-flatten.awk)

stage=$(mktemp -d "${out}.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"
for f in "${SCRIPTS[@]}"; do install -m 0755 "$src/$f" "$stage/$f"; done
for f in "${DATA[@]}"; do install -m 0644 "$src/$f" "$stage/$f"; done
chmod 0755 "$stage/bin"

tar -C "$stage" --sort=name --mtime="@$FIXED_MTIME" --owner=0 --group=0 --numeric-owner \
  --format=gnu -cf - config.sh run.sh bin | gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
(cd "$(dirname "$out")" && sha256sum "$(basename "$out")") >"$out.sha256.tmp"
mv "$out.sha256.tmp" "$out.sha256"
