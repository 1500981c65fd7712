#!/usr/bin/env bash
# Release build as users get it. Start-up is what runtimes are compared on:
# - the Swift stdlib is linked statically: no dynamic-loader work for it;
# - the executable is not position-independent (like Debian's runc): ~40,000 relative
#   relocations fewer to apply at every start (~1 ms and ~1 MiB of dirtied pages here).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib -Xlinker -no-pie --product runtime "$@"
echo "$(pwd)/.build/release/runtime"
