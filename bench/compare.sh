#!/usr/bin/env bash
# Per-command comparison of our runtime against crun and runc: ratios, with their spread.
#
#   bench/compare.sh [RUNTIME]           (default: .build/release/runtime)
#   N=20 REPEAT=3 bench/compare.sh       (iterations per block, blocks; defaults 15 and 3)
#   ONLY="run state" bench/compare.sh    (a subset of the measures listed below)
#   PAGECACHE=written bench/compare.sh   (binaries as just installed; default: read back, below)
#
# Measures (all three runtimes in turn, the order rotated every iteration so that drift in
# machine load hits all alike):
#   run        `run` of /bin/true (create + start + wait + delete)
#   lifecycle  create, state, start, exec /bin/true, kill, delete of a `sleep` container
#   rss        peak RSS (GNU time %M) of `run` and of `state`
#   seq        50 `run`s in sequence;  par: 10 `run`s at once
#   idle       `run` after 100 ms of quiet (a caller that starts containers now and then)
#   config     `run` with a ~100 KB and a ~1 MB config.json (annotations and environment);
#              config-growth is what the ~0.9 MB between them adds (1m minus 100k, per block)
#   seccomp    `run` with podman's seccomp profile: cold (the profile never seen before) and warm
#
# crun 1.8.1 refuses a hybrid cgroup host (cgroup2 mounted at /sys/fs/cgroup/unified), so the
# whole benchmark re-executes itself in a private mount namespace (`unshare -m`) where that
# mount is gone; every runtime runs in that same namespace, so all see a plain v1 host. Our
# seccomp cache is a tmpfs private to that namespace: "cold" empties it, the host's is untouched.
#
# State roots (--root) live on a tmpfs, as /run does for callers.
# Times are taken with bash's $EPOCHREALTIME around a plain fork+exec of the runtime (no
# `timeout`, no `date`), so the harness adds the same small constant to every runtime.
# Printed per measure: the median ms of each runtime over all blocks, and the ratios
# ours/crun and ours/runc as the median over blocks [min–max over blocks].
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

if [ -z "${BENCH_PRIVATE_NS:-}" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "compare: must run as root" >&2
        exit 1
    fi
    exec unshare -m --propagation private env BENCH_PRIVATE_NS=1 bash -c '
        if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
        mkdir -p /var/cache/runtime && mount -t tmpfs -o mode=755 bench-cache /var/cache/runtime
        exec "$0" "$@"' "$0" "$@"
fi

N=${N:-15}
REPEAT=${REPEAT:-3}
RSS_RUNS=${RSS_RUNS:-5}
ONLY=${ONLY:-run idle lifecycle rss seq par config seccomp}
OURS=${1:-$repo/.build/release/runtime}

resolve() {
    case $1 in
    */*) [ -x "$1" ] && echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
    *) command -v "$1" ;;
    esac
}
declare -A bin
bin[ours]=$(resolve "$OURS") || true
bin[crun]=$(resolve "${CRUN:-crun}") || true
bin[runc]=$(resolve "${RUNC:-runc}") || true
for rt in ours crun runc; do
    if [ -z "${bin[$rt]}" ]; then
        echo "compare: $rt not found (ours: scripts/build.sh; others: apt-get install -y crun runc)" >&2
        exit 1
    fi
done
RTS=(ours crun runc)

work=$(mktemp -d /tmp/bench-compare.XXXXXX)
chmod 755 "$work"
# State roots on a tmpfs, as callers keep them (/run/runc, /run/crun, /run/runtime): on this
# host /tmp is ext4 with online discard, where every rewritten state file costs a synchronous
# discard and would measure the disk rather than the runtime.
mkdir -p "$work/state"
mount -t tmpfs -o mode=755 bench-state "$work/state"
cleanup() {
    local rt id
    for rt in "${RTS[@]}"; do
        for id in "$work/state/$rt"/*; do
            [ -d "$id" ] || continue
            timeout 5 "${bin[$rt]}" --root "$work/state/$rt" delete --force "${id##*/}" >/dev/null 2>&1 || true
        done
    done
    umount "$work/state" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
for rt in "${RTS[@]}"; do mkdir -p "$work/state/$rt"; done
mkdir -p "$work/t"

# Bundles: b-true (/bin/true), b-sleep (sleep for the lifecycle), b-100k and b-1m (big
# configs), b-sec (podman's seccomp profile). All share one rootfs.
"$repo/bundles/mkrootfs.sh" "$work/rootfs-holder" >/dev/null
# ociVersion 1.0.2: crun 1.8.1 refuses "1.2.0" ("unknown version specified").
base=$(jq --arg r "$work/rootfs-holder/rootfs" '.ociVersion = "1.0.2" | .root.path = $r | .process.args = ["/bin/true"]' \
    "$repo/bundles/hello/config.json")
mkbundle() { mkdir -p "$work/$1"; echo "$2" >"$work/$1/config.json"; }
mkbundle b-true "$base"
mkbundle b-sleep "$(jq '.process.args = ["/bin/sleep", "1000"]' <<<"$base")"
# COUNT annotations and COUNT environment variables of ~500 bytes each.
bigconfig() {
    jq --argjson n "$1" '
        ("x" * 480) as $pad
        | .annotations = ([range($n)] | map({key: "org.bench.a\(.)", value: $pad}) | from_entries)
        | .process.env += [range($n) | "BENCH_\(.)=\($pad)"]' <<<"$base"
}
mkbundle b-100k "$(bigconfig 100)"
mkbundle b-1m "$(bigconfig 1000)"
"$here/podman-seccomp.py" >"$work/seccomp.json"
mkbundle b-sec "$(jq --slurpfile s "$work/seccomp.json" '.linux.seccomp = $s[0]' <<<"$base")"

fail() {
    echo "compare: $*: $(head -c 500 "$work/err")" >&2
    exit 1
}

# timed MEASURE RT CMD...: runs CMD once, appends its wall time (µs) to t/MEASURE.RT.BLOCK.
timed() {
    local m=$1 rt=$2 t0 t1
    shift 2
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>"$work/err" </dev/null || fail "$rt: $*"
    t1=$EPOCHREALTIME
    echo $((${t1/./} - ${t0/./})) >>"$work/t/$m.$rt.$block"
}

rtc() { local rt=$1; shift; "${bin[$rt]}" --root "$work/state/$rt" "$@"; }

wait_stopped() {
    local rt=$1 id=$2 i
    for ((i = 0; i < 500; i++)); do
        rtc "$rt" state "$id" 2>/dev/null | grep -q '"status" *: *"stopped"' && return 0
        sleep 0.01
    done
    fail "$rt: $id did not stop"
}

# order I: the runtimes rotated by I, so none is always first after a pause.
order() {
    local i=$1 k
    for ((k = 0; k < 3; k++)); do echo "${RTS[$(((i + k) % 3))]}"; done
}

has() { [[ " $ONLY " == *" $1 "* ]]; }

# seccomp-cold: a profile no cache has seen: one extra rule with a unique errno value.
cold_bundle() {
    jq --argjson e "$1" '.linux.seccomp.syscalls += [{names: ["acct"], action: "SCMP_ACT_ERRNO", errnoRet: $e}]' \
        "$work/b-sec/config.json" >"$work/b-cold/config.json"
}
mkdir -p "$work/b-cold"

rss_of() {  # rss_of RT CMD... -> KiB
    local rt=$1
    shift
    /usr/bin/time -f %M -o "$work/rss" "${bin[$rt]}" --root "$work/state/$rt" "$@" >/dev/null 2>"$work/err" </dev/null \
        || fail "$rt: rss $*"
    cat "$work/rss"
}

# All three binaries in the same page-cache state, which moves start-up time and peak RSS
# both ways: a file just written (a package install, a build, a cp) keeps the large folios its
# writes made, and a fault maps a whole folio (fewer faults, more RSS); a file read back from
# disk comes in readahead's small folios (more faults, less RSS). The same bytes of ours
# measured ~0.5–0.8 MiB and ~5–20 % apart.
#   PAGECACHE=read     (default) each binary dropped from the page cache, then read back
#   PAGECACHE=written  each binary copied to a fresh file here, and run from that copy
case ${PAGECACHE:=read} in
read)
    for rt in "${RTS[@]}"; do
        sync "${bin[$rt]}"
        dd if="${bin[$rt]}" iflag=nocache count=0 status=none
    done ;;
written)
    for rt in "${RTS[@]}"; do
        cp "${bin[$rt]}" "$work/bin-$rt"
        bin[$rt]=$work/bin-$rt
    done ;;
*) echo "compare: PAGECACHE must be read or written" >&2; exit 1 ;;
esac

# Warm-up: page cache, binaries, cgroup hierarchies, seccomp caches.
for rt in "${RTS[@]}"; do
    rtc "$rt" run -b "$work/b-true" "warm-$rt" >/dev/null 2>&1 </dev/null || { rtc "$rt" run -b "$work/b-true" "warm2-$rt" </dev/null; exit 1; }
    has seccomp && rtc "$rt" run -b "$work/b-sec" "warmsec-$rt" >/dev/null 2>&1 </dev/null
done

seq_id=0
nid() { seq_id=$((seq_id + 1)); ID="pf$$-$seq_id"; }   # sets ID (not $(nid): a subshell)

for ((block = 1; block <= REPEAT; block++)); do
    for ((i = 0; i < N; i++)); do
        for rt in $(order $i); do
            if has run; then
                nid
                timed run "$rt" rtc "$rt" run -b "$work/b-true" "$ID"
            fi
            if has idle; then
                nid
                sleep 0.1
                timed run-idle "$rt" rtc "$rt" run -b "$work/b-true" "$ID"
            fi
            if has lifecycle; then
                nid; id=$ID
                timed create "$rt" rtc "$rt" create -b "$work/b-sleep" "$id"
                timed state "$rt" rtc "$rt" state "$id"
                timed start "$rt" rtc "$rt" start "$id"
                timed exec "$rt" rtc "$rt" exec "$id" /bin/true
                timed kill "$rt" rtc "$rt" kill "$id" KILL
                wait_stopped "$rt" "$id"
                timed delete "$rt" rtc "$rt" delete "$id"
            fi
            if has config; then
                # Alternately first: crun's `run` is slower when it follows a pause or
                # another runtime than when it follows its own, and config-growth would
                # otherwise carry that difference.
                for size in $( ((i % 2)) && echo 1m 100k || echo 100k 1m); do
                    nid
                    timed "config-$size" "$rt" rtc "$rt" run -b "$work/b-$size" "$ID"
                done
            fi
            if has seccomp; then
                cold_bundle $((block * 1000 + i + 1))
                nid
                timed seccomp-cold "$rt" rtc "$rt" run -b "$work/b-cold" "$ID"
                nid
                timed seccomp-warm "$rt" rtc "$rt" run -b "$work/b-sec" "$ID"
            fi
        done
    done
    # The multi-container measures are long: a few per block.
    for ((i = 0; i < 3; i++)); do
        for rt in $(order $i); do
            if has seq; then
                t0=$EPOCHREALTIME
                for ((k = 0; k < 50; k++)); do
                    nid
                    rtc "$rt" run -b "$work/b-true" "$ID" >/dev/null 2>"$work/err" </dev/null || fail "$rt: seq run"
                done
                t1=$EPOCHREALTIME
                echo $((${t1/./} - ${t0/./})) >>"$work/t/seq50.$rt.$block"
            fi
            if has par; then
                t0=$EPOCHREALTIME
                pids=()
                for ((k = 0; k < 10; k++)); do
                    nid
                    rtc "$rt" run -b "$work/b-true" "$ID" >/dev/null 2>"$work/err.$k" </dev/null &
                    pids+=($!)
                done
                for p in "${pids[@]}"; do wait "$p" || { cat "$work"/err.*; fail "$rt: parallel run"; }; done
                t1=$EPOCHREALTIME
                echo $((${t1/./} - ${t0/./})) >>"$work/t/par10.$rt.$block"
            fi
        done
    done
    if has rss && [ -x /usr/bin/time ]; then
        for ((i = 0; i < RSS_RUNS; i++)); do
            for rt in $(order $i); do
                nid
                rss_of "$rt" run -b "$work/b-true" "$ID" >>"$work/t/rss-run.$rt.$block"
                nid; id=$ID
                rtc "$rt" create -b "$work/b-sleep" "$id" >/dev/null 2>"$work/err" </dev/null || fail "$rt: create"
                rss_of "$rt" state "$id" >>"$work/t/rss-state.$rt.$block"
                rtc "$rt" delete --force "$id" >/dev/null 2>"$work/err" || fail "$rt: delete --force"
            done
        done
    fi
done

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# config-growth: per runtime and block, the 1 MB config's median minus the 100 KB one's.
if has config; then
    for rt in "${RTS[@]}"; do
        for ((b = 1; b <= REPEAT; b++)); do
            awk -v a="$(median <"$work/t/config-1m.$rt.$b")" -v b="$(median <"$work/t/config-100k.$rt.$b")" \
                'BEGIN { print a - b }' >"$work/t/config-growth.$rt.$b"
        done
    done
fi

# The harness's own share of every time: the same fork+exec+wait of /bin/true.
for ((i = 0; i < 30; i++)); do
    t0=$EPOCHREALTIME
    /bin/true >/dev/null 2>&1 </dev/null
    t1=$EPOCHREALTIME
    echo $((${t1/./} - ${t0/./}))
done >"$work/t/harness"

echo "compare: $N iterations x $REPEAT blocks, interleaved, in a private mount namespace without cgroup2"
echo "  binaries' page cache: $PAGECACHE; state roots on a tmpfs; harness floor (fork+exec of /bin/true, in every time below): $(median <"$work/t/harness" | awk '{ printf "%.2f", $1 / 1000 }') ms"
for rt in "${RTS[@]}"; do echo "  $rt: ${bin[$rt]} ($("${bin[$rt]}" --version 2>/dev/null | head -1))"; done
printf '%-13s %9s %9s %9s   %-22s %-22s\n' measure ours crun runc "ours/crun med [range]" "ours/runc med [range]"
for m in run run-idle create start state exec kill delete seq50 par10 config-100k config-1m config-growth seccomp-cold seccomp-warm rss-run rss-state; do
    [ -e "$work/t/$m.ours.1" ] || continue
    unit=ms div=1000
    case $m in rss-*) unit=MiB div=1024 ;; esac
    line=$(printf '%-13s' "$m")
    for rt in "${RTS[@]}"; do
        line+=$(cat "$work/t/$m.$rt".* | median | awk -v d=$div '{ printf " %9.2f", $1 / d }')
    done
    for other in crun runc; do
        ratios=$(for ((b = 1; b <= REPEAT; b++)); do
            o=$(median <"$work/t/$m.ours.$b")
            x=$(median <"$work/t/$m.$other.$b")
            awk -v a="$o" -v b="$x" 'BEGIN { printf "%.3f\n", a / b }'
        done | sort -n)
        line+=$(printf '   %-22s' "$(echo "$ratios" | median | awk '{ printf "%.2f", $1 }') [$(echo "$ratios" | head -1 | awk '{ printf "%.2f", $1 }')–$(echo "$ratios" | tail -1 | awk '{ printf "%.2f", $1 }')]")
    done
    echo "$line   ($unit)"
done

left=$(for rt in "${RTS[@]}"; do ls "$work/state/$rt"; done | grep -v '^warm' | tr '\n' ' ' || true)
if [ -n "${left// /}" ]; then
    echo "compare: WARNING: containers left in state dirs: $left" >&2
    exit 1
fi
