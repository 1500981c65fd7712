#!/usr/bin/env bash
# Regenerates scripts/hot-symbols.txt: the functions the per-container commands execute, which
# scripts/build.sh asks lld to lay out together (--symbol-ordering-file). Peak RSS and start-up
# page faults depend on how many 64 KB windows of the binary's text those functions span.
#
#   scripts/hot-symbols.sh [RUNTIME]     (default .build/release/runtime; root, perf, valgrind)
#
# Two sources, merged: valgrind's callgrind (every function executed, exactly) for the
# commands it can run (it cannot follow the container set-up: open_tree and clone3 with
# namespace flags), and perf samples of create/start/exec/state/kill/delete/run loops
# (the set-up, stage 0, the child), on this host's hybrid cgroups and on pure v1.
# Run it on a build without the list (or with a stale one) after large code changes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(readlink -f "${1:-.build/release/runtime}")
work=$(mktemp -d /tmp/hot-symbols.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
bundles/mkrootfs.sh "$work/b" >/dev/null
jq '.ociVersion = "1.0.2" | .process.args = ["/bin/true"]' bundles/hello/config.json >"$work/b/config.json"
mkdir -p "$work/s"
cp -r "$work/b/rootfs" "$work/s/"
jq '.process.args = ["/bin/sleep", "1000"]' "$work/b/config.json" >"$work/s/config.json"
strip --strip-debug -o "$work/rt" "$bin"   # valgrind cannot read the Swift debug info

cat >"$work/loop.sh" <<EOF
set -u
R="$bin"; S="$work/state"; n=\$1
for i in \$(seq 30); do
    \$R --root \$S run -b "$work/b" hs-\$n-r\$i >/dev/null
    \$R --root \$S create -b "$work/s" hs-\$n-\$i; \$R --root \$S start hs-\$n-\$i
    \$R --root \$S exec hs-\$n-\$i /bin/true; \$R --root \$S state hs-\$n-\$i >/dev/null
    \$R --root \$S kill hs-\$n-\$i KILL; sleep 0.05; \$R --root \$S delete hs-\$n-\$i
done
EOF
cat >"$work/cg.sh" <<EOF
set -u
S="$work/cgstate"; n=\$1
cg() { valgrind --tool=callgrind --demangle=no -q --callgrind-out-file="$work/cg.\$n.\$1" "$work/rt" --root \$S "\${@:2}" >/dev/null 2>&1 || true; }
"$bin" --root \$S create -b "$work/s" hs-cg-\$n
cg 1 state hs-cg-\$n; cg 2 start hs-cg-\$n; cg 3 state hs-cg-\$n; cg 4 kill hs-cg-\$n KILL; sleep 0.2
cg 5 state hs-cg-\$n; cg 6 delete hs-cg-\$n; cg 7 create -b "$work/s" hs-cg2-\$n; cg 8 run -b "$work/b" hs-cg3-\$n
cg 9 list; "$bin" --root \$S delete -f hs-cg2-\$n >/dev/null 2>&1 || true
EOF
perf record -q -e cpu-clock -F 20000 -o "$work/p1" -- bash "$work/loop.sh" 1 >/dev/null
bash "$work/cg.sh" 1
unshare -m --propagation private bash -c "umount /sys/fs/cgroup/unified 2>/dev/null
    perf record -q -e cpu-clock -F 20000 -o $work/p2 -- bash $work/loop.sh 2 >/dev/null 2>&1; bash $work/cg.sh 2"

comm=$(basename "$bin" | cut -c1-15)
{
    for p in "$work/p1" "$work/p2"; do
        perf report -i "$p" --no-demangle --comm "$comm" --sort sym --stdio -g none 2>/dev/null \
            | sed -n 's/.*\[\.\] //p'
    done
    cat "$work"/cg.* | sed -En "s/^c?fn=\([0-9]+\) (.*)$/\1/p" | sed "s/'[0-9]*$//"
} | sort -u >"$work/names"
echo "hot-symbols: $(wc -l <"$work/names") names sampled or traced" >&2
nm -n -S --defined-only "$bin" >"$work/nm"
python3 - "$work/names" "$work/nm" >scripts/hot-symbols.txt <<'EOF'
import sys
# callgrind names some code only by address ("0x..."): those point inside unrelated
# functions (Regex parsing) and would drag cold code into the hot region, so they are dropped.
names = set(l.strip() for l in open(sys.argv[1]))
address = {}   # functions, IFUNCs included (memcpy & co.)
for l in open(sys.argv[2]):
    p = l.split()
    if len(p) == 4 and p[2] in "tTwWi":
        address.setdefault(p[3], int(p[0], 16))
print("\n".join(sorted((n for n in names if n in address), key=address.get)))
EOF
echo "scripts/hot-symbols.txt: $(wc -l <scripts/hot-symbols.txt) functions"
