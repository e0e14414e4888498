#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages lxdrunner builds and tests with. Idempotent: installs only
# what is missing, and runs apt-get update only when something must be installed.
set -euo pipefail

packages=(
  g++ clang cmake ninja-build pkg-config wrk curl openssl
  libpoco-dev libboost-dev libboost-filesystem-dev catch2 libyaml-cpp-dev libssl-dev
  dpkg-dev file  # cpack -G DEB: dpkg-shlibdeps, and file to find the ELF objects
)
[ "${1:-}" = "--with-lxd" ] && packages+=(lxd lxd-client busybox-static bash-static)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
