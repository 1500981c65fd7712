#!/usr/bin/env bash
# OCI runtime-spec conformance checks, run from outside against a runtime binary.
#
#   RUNTIME=/path/to/runtime conformance/run.sh [AREA...]
#
# RUNTIME defaults to runc (the reference). AREA is any of: lifecycle cli namespaces
# filesystem process terminal resources cgroups-cli exec hooks security escapes createtime rootless
# notify callers runc-users podman rootless-podman containerd loopback network hook-errors refusals
# fuzz
# (default: all; rootless creates the host user "ocirootless" if missing; podman is skipped
# without podman). Prints `ok - ...` / `FAIL - ...` per check and ends with one line
# `N passed, N failed`; exits non-zero if any check failed.
# Needs root, jq, timeout and busybox-static (for the rootfs, see bundles/mkrootfs.sh).
set -uo pipefail

. "$(dirname "$0")/lib.sh"
. "$CONF_DIR/lifecycle.sh"
. "$CONF_DIR/cli.sh"
. "$CONF_DIR/isolation.sh"
. "$CONF_DIR/process.sh"
. "$CONF_DIR/resources.sh"
. "$CONF_DIR/terminal.sh"
. "$CONF_DIR/cgroups-cli.sh"
. "$CONF_DIR/exec.sh"
. "$CONF_DIR/hooks.sh"
. "$CONF_DIR/security.sh"
. "$CONF_DIR/rootless.sh"
. "$CONF_DIR/notify.sh"
. "$CONF_DIR/containerd.sh"
. "$CONF_DIR/callers.sh"
. "$CONF_DIR/runc-users.sh"
. "$CONF_DIR/podman.sh"
. "$CONF_DIR/escapes.sh"
. "$CONF_DIR/createtime.sh"
. "$CONF_DIR/rootless-podman.sh"
. "$CONF_DIR/network.sh"
. "$CONF_DIR/hook-errors.sh"
. "$CONF_DIR/refusals.sh"
. "$CONF_DIR/fuzz.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "conformance: must run as root" >&2
    exit 2
fi

areas=${*:-lifecycle cli namespaces filesystem process terminal resources cgroups-cli exec hooks security escapes createtime rootless notify callers runc-users podman rootless-podman containerd loopback network hook-errors refusals fuzz}
setup
echo "# runtime: $RUNTIME"
start=$(date +%s)
for area in $areas; do
    case $area in
    lifecycle) lifecycle_tests ;;
    cli) cli_tests ;;
    namespaces) namespaces_tests ;;
    filesystem) filesystem_tests ;;
    process) process_tests ;;
    resources) resources_tests ;;
    terminal) terminal_tests ;;
    cgroups-cli) cgroups_cli_tests ;;
    exec) exec_tests ;;
    hooks) hooks_tests ;;
    security) security_tests ;;
    escapes) escapes_tests ;;
    createtime) createtime_tests ;;
    rootless) rootless_tests ;;
    notify) notify_tests ;;
    containerd) containerd_tests ;;
    callers) callers_tests ;;
    runc-users) runc_users_tests ;;
    podman) podman_tests ;;
    rootless-podman) rootless_podman_tests ;;
    loopback) loopback_tests ;;
    network) network_tests ;;
    hook-errors) hook_errors_tests ;;
    refusals) refusals_tests ;;
    fuzz) fuzz_tests ;;
    *) echo "conformance: unknown area '$area'" >&2; exit 2 ;;
    esac
done
echo "# $(($(date +%s) - start)) s"
summary
[ "$FAILED" -eq 0 ]
