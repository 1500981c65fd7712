# shellcheck shell=sh
# Shared by the guest test scripts (sourced by busybox sh inside the VM): results per
# runtime and JSON fields of one-line `state` output (busybox has no jq). The sourcing
# script sets $name, pass/failed/skipped per runtime, and defines rt().
# shellcheck disable=SC2154

ok() { echo "ok - $name: $*"; pass=$((pass + 1)); }
fail() { echo "FAIL - $name: $*"; failed=$((failed + 1)); }
skip() { echo "ok - $name: $* # SKIP"; skipped=$((skipped + 1)); }
# check DESCRIPTION EXPECTED ACTUAL
check() {
    if [ "$2" = "$3" ]; then ok "$1 ($3)"; else fail "$1: expected '$2', got '$3'"; fi
}

json_field() { tr -d ' \n' | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
state_of() { rt state "$1" 2>/dev/null | json_field status; }
pid_of() { rt state "$1" 2>/dev/null | json_field pid; }
