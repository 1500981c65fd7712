#!/usr/bin/env bash
# Container start-up time and peak memory: our runtime against runc.
#
#   bench/startup.sh [RUNTIME]        (default: .build/release/runtime)
#   N=50 bench/startup.sh             (iterations per runtime, default 30)
#   SECCOMP=podman bench/startup.sh   (with the seccomp profile podman passes: 400+ rules,
#                                      converted from /usr/share/containers/seccomp.json)
#
# Each iteration is one `RUNTIME --root <tmp> run -b <bundle> <id>` of a container whose
# process is /bin/true: create, start, wait, delete, i.e. the whole cost a caller sees.
# The two runtimes alternate (ours, runc, ours, runc, ...) so that drift in machine load hits
# both alike; hyperfine runs one command's series after the other, hence the own loop.
# Peak RSS comes from GNU time (%M, the largest resident set among the runtime process and
# the children it waited for), measured in separate runs so it does not skew the timings.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=${N:-30}
RSS_RUNS=${RSS_RUNS:-5}
OURS=${1:-$repo/.build/release/runtime}
RUNC=${RUNC:-runc}

resolve() {
    case $1 in
    */*) [ -x "$1" ] && echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
    *) command -v "$1" ;;
    esac
}
ours=$(resolve "$OURS") || true
runc=$(resolve "$RUNC") || true
if [ -z "$ours" ]; then
    echo "startup: $OURS not found (build it: swift build -c release)" >&2
    exit 1
fi
if [ -z "$runc" ]; then
    echo "startup: runc not found (apt-get install -y runc)" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "startup: must run as root" >&2
    exit 1
fi

work=$(mktemp -d /tmp/bench-startup.XXXXXX)
chmod 755 "$work"
cleanup() {
    local rt root id bin
    for rt in ours runc; do
        root=$work/state-$rt
        [ -d "$root" ] || continue
        [ $rt = ours ] && bin=$ours || bin=$runc
        for id in "$root"/*; do
            [ -e "$id" ] || continue
            timeout 5 "$bin" --root "$root" delete --force "${id##*/}" >/dev/null 2>&1 || true
        done
    done
    rm -rf "$work"
}
trap cleanup EXIT

"$repo/bundles/mkrootfs.sh" "$work/bundle"
jq '.process.args = ["/bin/true"]' "$repo/bundles/hello/config.json" >"$work/bundle/config.json"
if [ "${SECCOMP:-}" = podman ]; then
    "$here/podman-seccomp.py" >"$work/seccomp.json"
    jq --slurpfile s "$work/seccomp.json" '.linux.seccomp = $s[0]' "$work/bundle/config.json" >"$work/c.json"
    mv "$work/c.json" "$work/bundle/config.json"
    echo "with podman's seccomp profile: $(jq '[.syscalls[].names | length] | add' "$work/seccomp.json") syscall names"
fi
mkdir -p "$work/state-ours" "$work/state-runc"

# one RT STATE ID: a single timed run; prints elapsed ms (3 decimals)
one() {
    local t0 t1 rc
    t0=$(date +%s%N)
    rc=0
    timeout 30 "$1" --root "$2" run --bundle "$work/bundle" "$3" >/dev/null 2>"$work/err" </dev/null || rc=$?
    t1=$(date +%s%N)
    if [ $rc -ne 0 ]; then
        echo "startup: $1 run $3 failed (exit $rc): $(cat "$work/err")" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }'
}

# Warm-up: page cache, binaries, cgroup hierarchies.
one "$ours" "$work/state-ours" warm-ours >/dev/null
one "$runc" "$work/state-runc" warm-runc >/dev/null

: >"$work/ours.ms"
: >"$work/runc.ms"
for ((i = 1; i <= N; i++)); do
    one "$ours" "$work/state-ours" "ours-$$-$i" >>"$work/ours.ms"
    one "$runc" "$work/state-runc" "runc-$$-$i" >>"$work/runc.ms"
done

# stats FILE -> "median min p90"
stats() {
    sort -n "$1" | awk '{ v[NR] = $1 } END {
        med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        p90 = v[int(NR * 0.9 + 0.999)]
        printf "%.1f %.1f %.1f\n", med, v[1], p90 }'
}
read -r ours_med ours_min ours_p90 < <(stats "$work/ours.ms")
read -r runc_med runc_min runc_p90 < <(stats "$work/runc.ms")

rss_ours=n/a
rss_runc=n/a
if [ -x /usr/bin/time ]; then
    rss() {
        local i
        for ((i = 1; i <= RSS_RUNS; i++)); do
            /usr/bin/time -f %M -o "$work/rss" timeout 30 "$1" --root "$2" run --bundle "$work/bundle" "rss-$3-$$-$i" \
                >/dev/null 2>&1 </dev/null || true
            cat "$work/rss"
        done | sort -n | tail -1
    }
    rss_ours=$(rss "$ours" "$work/state-ours" ours)
    rss_runc=$(rss "$runc" "$work/state-runc" runc)
else
    echo "startup: /usr/bin/time missing, peak RSS skipped (apt-get install -y time)" >&2
fi

# Nothing may be left behind: `run` deletes its container when the process exits.
left=$( (ls "$work/state-ours"; ls "$work/state-runc") 2>/dev/null | tr '\n' ' ')

echo "startup: run of /bin/true, $N interleaved iterations each (ms; RSS in KiB, max of $RSS_RUNS runs)"
printf '%-8s %9s %9s %9s %12s  %s\n' runtime median min p90 peak-RSS binary
printf '%-8s %9s %9s %9s %12s  %s\n' ours "$ours_med" "$ours_min" "$ours_p90" "$rss_ours" "$ours"
printf '%-8s %9s %9s %9s %12s  %s\n' runc "$runc_med" "$runc_min" "$runc_p90" "$rss_runc" "$runc"
awk -v a="$ours_med" -v b="$runc_med" 'BEGIN { printf "ratio ours/runc (median): %.2f\n", a / b }'
if [ -n "${left// /}" ]; then
    echo "startup: WARNING: containers left in state dirs: $left" >&2
    exit 1
fi
