#!/usr/bin/env bash
# Installs what building and testing need on Debian (run as root): scripts/apt-packages.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
while read -r p; do
    [ -n "$p" ] && ! dpkg -s "$p" >/dev/null 2>&1 && missing+=("$p")
done <apt-packages
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
