#!/usr/bin/env bash
# Release build with the Swift stdlib linked statically: no dynamic-loader work at start-up.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product runtime "$@"
echo "$(pwd)/.build/release/runtime"
