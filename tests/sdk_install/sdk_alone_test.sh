#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# sdk_alone_test.sh SOURCE_DIR BUILD_DIR CMAKE
# The SDK builds and installs alone (cmake -S sdk), as a plugin author's CI would do it with
# only CMake and a compiler: configuring it looks for none of the daemon's dependencies, and
# it installs exactly what the top-level build's Development component installs.
set -euo pipefail
src=$1 build=$2 cmake=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Disabled, a REQUIRED find_package() of any of them is a configure error, and the trace
# shows any optional one.
daemon_deps=(Poco Boost yaml-cpp OpenSSL)
disabled=()
for p in "${daemon_deps[@]}"; do disabled+=("-DCMAKE_DISABLE_FIND_PACKAGE_$p=ON"); done
"$cmake" -S "$src/sdk" -B "$work/build" "${disabled[@]}" \
  --trace-format=json-v1 --trace-redirect="$work/trace.json" >"$work/configure.log" 2>&1 \
  || { cat "$work/configure.log"; fail "sdk/ does not configure alone"; }
looked=$(grep '"cmd":"find_package"' "$work/trace.json" || true)
for p in "${daemon_deps[@]}"; do
  if echo "$looked" | grep -qi "\"args\":\[\"$p\""; then
    echo "$looked"
    fail "configuring sdk/ alone looks for $p"
  fi
  if grep -qiE "^${p}[_-]" "$work/build/CMakeCache.txt"; then
    grep -iE "^${p}[_-]" "$work/build/CMakeCache.txt"
    fail "configuring sdk/ alone left $p in the cache"
  fi
done

"$cmake" --install "$work/build" --prefix "$work/alone" >/dev/null \
  || fail "cmake --install of sdk/ alone failed"
"$cmake" --install "$build" --prefix "$work/component" --component Development >/dev/null
# The top level adds the Debian package's own copyright and changelog to the component
# (cmake/LxdrunnerPackaging.cmake): packaging, not SDK.
rm -rf "$work/component/share/doc/lxdrunner-dev"
rmdir "$work/component/share/doc" "$work/component/share" 2>/dev/null || true
(cd "$work/alone" && find . -type f | sort) >"$work/alone.txt"
(cd "$work/component" && find . -type f | sort) >"$work/component.txt"
[ -s "$work/alone.txt" ] || fail "sdk/ alone installed nothing"
diff -u "$work/component.txt" "$work/alone.txt" \
  || fail "sdk/ alone installs other files than the Development component"
diff -r "$work/component" "$work/alone" \
  || fail "sdk/ alone installs files with other contents than the Development component"
echo "ok: sdk/ configures alone without ${daemon_deps[*]} and installs the Development files"
