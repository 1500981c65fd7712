#!/usr/bin/env bash
# README command 2: every test. Unit + integration tests (swift test), then the
# conformance suite against this runtime and against runc (proof the suite tests the spec).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# Every shell script, with the repository's .shellcheckrc (run.sh sources the conformance areas).
shellcheck conformance/run.sh scripts/*.sh bench/*.sh vm/*.sh bundles/*.sh bundles/*/*.sh .ci/run
# Swift sources in the house style (.swift-format; `swift format -i -r Sources Tests` fixes them).
swift format lint --strict -r Sources Tests Package.swift
scripts/build.sh >/dev/null
bundles/mkrootfs.sh
RUNTIME_BINARY="$(pwd)/.build/release/runtime"
export RUNTIME_BINARY
swift test
echo "== conformance: runtime"
RUNTIME="$RUNTIME_BINARY" conformance/run.sh
echo "== conformance: runc"
RUNTIME=runc conformance/run.sh
echo "== cgroup v2 in a VM: runc and runtime"; vm/run-cgroup2-tests.sh "$RUNTIME_BINARY"
echo "== systemd cgroup driver in a VM (systemd as PID 1): runc and runtime"; vm/run-systemd-tests.sh "$RUNTIME_BINARY"
