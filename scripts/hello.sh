#!/usr/bin/env bash
# README command 1: install deps, build, fill the hello bundle's rootfs, run it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh >/dev/null
bundles/mkrootfs.sh bundles/hello
exec .build/release/runtime run --bundle bundles/hello "hello-$$"
