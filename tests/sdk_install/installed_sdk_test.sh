#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# installed_sdk_test.sh BUILD_DIR EXAMPLE_DIR LXDRUNNER CMAKE CTEST LIBRARY PLUGIN KIND VERSION
# e.g. ... example_motd example-motd provisioner 1.0.0
set -euo pipefail
build=$1 example=$2 lxdrunner=$3 cmake=$4 ctest=$5 library=$6 name=$7 kind=$8 version=$9
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

"$cmake" --install "$build" --prefix "$prefix" --component Development >/dev/null
for f in include/lxdrunner/plugin_abi.h include/lxdrunner/sdk.hpp include/lxdrunner/sdk/fake_host.hpp \
         lib/cmake/lxdrunner-sdk/lxdrunner-sdk-config.cmake \
         lib/cmake/lxdrunner-sdk/lxdrunner-sdk-config-version.cmake \
         lib/cmake/lxdrunner-sdk/LxdrunnerPlugin.cmake; do
  found=$(find "$prefix" -path "*/${f#lib/}" -o -path "$prefix/$f" | head -n 1)
  [ -n "$found" ] || { echo "FAIL: $f is not installed"; exit 1; }
done

# Only the installed prefix may provide the SDK: the source tree is not on any path.
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
"$cmake" -S "$example" -B "$work/build" "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_INSTALL_PREFIX="$work/plugin-prefix" >"$work/configure.log" 2>&1 \
  || { cat "$work/configure.log"; exit 1; }
"$cmake" --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$ctest" --test-dir "$work/build" --output-on-failure
"$cmake" --install "$work/build" >/dev/null
plugin=$(find "$work/plugin-prefix" -name "$library.so")
[ -n "$plugin" ] || { echo "FAIL: $library.so not installed into the plugin directory"; exit 1; }
case $plugin in */lxdrunner/plugins/$library.so) ;; *) echo "FAIL: installed at $plugin"; exit 1 ;; esac

out=$(cd "$work" && XDG_CONFIG_HOME="$work" LXDRUNNER_PLUGIN_PATH="$(dirname "$plugin")" "$lxdrunner" plugins)
echo "$out"
echo "$out" | grep -qE "^$name +$kind +${version//./\\.} +1\.1 +[a-z+-]+ +$plugin$" \
  || { echo "FAIL: the daemon did not list the installed example"; exit 1; }
# What the walkthrough has an author run before shipping (docs/plugin-authoring.md).
"$lxdrunner" plugin-check "$plugin" || { echo "FAIL: plugin-check refused the example"; exit 1; }
echo "ok: example plugin built against the installed SDK, loaded and checked"
