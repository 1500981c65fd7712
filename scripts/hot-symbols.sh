#!/usr/bin/env bash
# Regenerates scripts/hot-symbols.txt: the code and data the per-container commands touch, which
# scripts/build.sh asks lld to lay out together (--symbol-ordering-file). The kernel maps a
# file's cached pages 64 KB around each page fault, so peak RSS and start-up page faults depend
# on how many 64 KB windows of the binary those sections span.
#
#   scripts/hot-symbols.sh      (root, perf, valgrind; rebuilds .build/release/runtime)
#
# Two sources (scripts/hot-order.py turns them into the list):
# - valgrind's lackey: every instruction and data address `state`, `start`, `kill`, `delete`,
#   `list`, `create`, `run` and `exec` touch, mapped to input sections through the link map;
#   laid out in that order of groups, so that `state` (which callers poll) spans the fewest
#   windows. Lackey cannot follow the container set-up (open_tree, clone3 with namespace
#   flags), so create/run/exec are traced up to there.
# - perf samples of real runs, functions only: 500 `state`s (what differs from valgrind's
#   CPU and kernel: the vDSO's set-up, glibc's EVEX/AVX-512 string functions), placed right
#   after `state`'s traced sections; create/start/exec/state/kill/delete/run loops (stage 0,
#   the child, the parent after the set-up), placed last.
# Traces and loops run on this host's hybrid cgroups and on pure v1 (compare.sh's setting).
# Run it after large code changes (a stale list only costs locality), then scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/hot-symbols.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# lld demangles C++ names in its map unless told not to; the ordering file needs them mangled.
scripts/build.sh -Xlinker -Map="$work/map" -Xlinker --no-demangle >/dev/null
bin=$(readlink -f .build/release/runtime)
bundles/mkrootfs.sh "$work/b" >/dev/null
jq '.ociVersion = "1.0.2" | .process.args = ["/bin/true"]' bundles/hello/config.json >"$work/b/config.json"
mkdir -p "$work/s"
cp -r "$work/b/rootfs" "$work/s/"
jq '.process.args = ["/bin/sleep", "1000"]' "$work/b/config.json" >"$work/s/config.json"
strip --strip-debug -o "$work/rt" "$bin"   # valgrind cannot read the Swift debug info

cat >"$work/loop.sh" <<EOF
set -u
R="$bin"; S="$work/state"; n=\$1
for i in \$(seq 100); do
    \$R --root \$S run -b "$work/b" hs-\$n-r\$i >/dev/null
    \$R --root \$S create -b "$work/s" hs-\$n-\$i; \$R --root \$S start hs-\$n-\$i
    \$R --root \$S exec hs-\$n-\$i /bin/true; \$R --root \$S state hs-\$n-\$i >/dev/null
    \$R --root \$S kill hs-\$n-\$i KILL; sleep 0.05; \$R --root \$S delete hs-\$n-\$i
done
EOF
# `state` alone, sampled often enough to catch what runs once per start-up.
cat >"$work/state-loop.sh" <<EOF
set -u
R="$bin"; S="$work/sstate"
\$R --root \$S create -b "$work/s" hs-state
for i in \$(seq 500); do \$R --root \$S state hs-state >/dev/null; done
\$R --root \$S delete -f hs-state
EOF
# t G ARGS...: the addresses one command touches, first touch first, appended to group G.
cat >"$work/trace.sh" <<EOF
set -u
S="$work/tstate"; n=\$1
t() {
    { valgrind --tool=lackey --trace-mem=yes --log-fd=3 "$work/rt" --root \$S "\${@:2}" 3>&1 >/dev/null 2>&1 || true; } \
        | awk '\$1 ~ /^[ILSM]\$/ { split(\$2, a, ","); if (!seen[a[1]]++) print a[1] }' >>"$work/g\$1.\$n"
}
"$bin" --root \$S create -b "$work/s" hs-t-\$n
t 1 state hs-t-\$n; t 2 start hs-t-\$n; t 1 state hs-t-\$n; t 3 exec hs-t-\$n /bin/true
t 2 kill hs-t-\$n KILL; sleep 0.2; t 1 state hs-t-\$n; t 2 delete hs-t-\$n; t 2 state hs-t-\$n
t 3 create -b "$work/s" hs-t2-\$n; t 3 run -b "$work/b" hs-t3-\$n; t 2 list
"$bin" --root \$S delete -f hs-t2-\$n >/dev/null 2>&1 || true
"$bin" --root \$S delete -f hs-t3-\$n >/dev/null 2>&1 || true
EOF
perf record -q -e cpu-clock -F 40000 -o "$work/p0" -- bash "$work/state-loop.sh" >/dev/null
perf record -q -e cpu-clock -F 40000 -o "$work/p1" -- bash "$work/loop.sh" 1 >/dev/null
bash "$work/trace.sh" 1
unshare -m --propagation private bash -c "umount /sys/fs/cgroup/unified 2>/dev/null
    perf record -q -e cpu-clock -F 40000 -o $work/p2 -- bash $work/loop.sh 2 >/dev/null 2>&1; bash $work/trace.sh 2"

comm=$(basename "$bin" | cut -c1-15)
sampled() {
    for p in "$@"; do
        perf report -i "$p" --no-demangle --comm "$comm" --sort sym --stdio -g none 2>/dev/null \
            | sed -n 's/.*\[\.\] //p'
    done | sort -u
}
sampled "$work/p0" >"$work/state.names"
sampled "$work/p1" "$work/p2" >"$work/all.names"
python3 scripts/hot-order.py "$work/map" \
    "$work"/g1.* "$work/state.names" "$work"/g2.* "$work"/g3.* "$work/all.names" >scripts/hot-symbols.txt
echo "scripts/hot-symbols.txt: $(wc -l <scripts/hot-symbols.txt) symbols; now run scripts/build.sh"
