#!/usr/bin/env bash
# Installs what building and testing need on Debian (run as root).
set -euo pipefail
pkgs=(libseccomp-dev pkg-config busybox-static runc jq hyperfine time python3 util-linux podman conmon containerd qemu-system-x86 cpio)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
