#!/bin/sh
# --systemd-cgroup checks, run inside the VM (vm/run-systemd-tests.sh) by busybox sh from
# a unit, with systemd as PID 1 on cgroup v2, once per runtime given:
#   guest-systemd-tests.sh RUNTIME...
# Prints "ok - ..." / "FAIL - ..." per check, "NAME: N passed, N failed, N skipped" per
# runtime and "total: N passed, N failed, N skipped" last.
CG=/sys/fs/cgroup
ROOTFS=/bundle/rootfs
T=60   # seconds allowed for any one runtime command

total_pass=0 total_fail=0 total_skip=0

# shellcheck source=vm/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

rt() { timeout "$T" "$RUNTIME" --systemd-cgroup --root "$RTROOT" "$@"; }
prop() { systemctl show -p "$2" --value "$1" 2>&1; }
wait_for() {
    n=$(($1 * 5)); shift
    while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done
    return 1
}
# Predicates for wait_for (re-evaluated at each poll).
unit_gone() { [ "$(prop "$1" LoadState)" = not-found ]; }
unit_active() { [ "$(prop "$1" ActiveState)" = active ]; }
only_one_process() { [ "$(wc -l <"$1/cgroup.procs" 2>/dev/null | tr -d ' ')" = 1 ]; }
is_stopped() { [ "$(state_of "$1")" = stopped ]; }
has_line() { grep -q "$1" "$2" 2>/dev/null; }

# mkbundle DIR CGROUPSPATH ARGS_JSON RESOURCES_JSON [HOOKS_JSON]
mkbundle() {
    mkdir -p "$1"
    hooks=""
    [ -n "$5" ] && hooks="\"hooks\": $5,"
    cat >"$1/config.json" <<EOF2
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false, "user": {"uid": 0, "gid": 0}, "args": $3,
    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "cwd": "/", "noNewPrivileges": true,
    "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}
  },
  "root": {"path": "$ROOTFS", "readonly": true},
  $hooks
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}
  ],
  "linux": {
    "cgroupsPath": "$2",
    "resources": $4,
    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]
  }
}
EOF2
}

summarize() {
    echo "$name: $pass passed, $failed failed, $skipped skipped"
    echo "# $name: $(( $(date +%s) - started )) s"
    total_pass=$((total_pass + pass)) total_fail=$((total_fail + failed)) total_skip=$((total_skip + skipped))
}

test_runtime() {
    RUNTIME=$1
    name=$(basename "$RUNTIME")
    case $RUNTIME in /rt/1/runtime) ;; /rt/*/runtime) name=runtime$(echo "$RUNTIME" | tr -dc 0-9) ;; esac
    RTROOT=/run/sdtest-$name
    B=/tmp/sdtest-$name
    mkdir -p "$RTROOT" "$B"
    pass=0 failed=0 skipped=0 started=$(date +%s)
    echo "# $name: $RUNTIME"

    # --- a scope in system.slice with pids/memory/cpu limits
    unit=sdtest-c1.scope
    dir=$CG/system.slice/$unit
    mkbundle "$B/c1" "system.slice:sdtest:c1" \
        '["/bin/sh", "-c", "( i=0; while [ $i -lt 60 ]; do sleep 600 & i=$((i+1)); done ) 2>/dev/null; set -- /proc/[0-9]*; echo procs=$#; exec sleep 600"]' \
        '{"pids": {"limit": 20}, "memory": {"limit": 33554432, "swap": 33554432}, "cpu": {"shares": 1024, "quota": 50000, "period": 100000}}'
    id=c1-$name
    if rt create -b "$B/c1" "$id" >"$B/c1.out" 2>&1 </dev/null; then ok "create in system.slice:sdtest:c1"
    else fail "create: $(cat "$B/c1.out")"; fi
    check "unit active" active "$(prop $unit ActiveState)"
    check "unit in system.slice" system.slice "$(prop $unit Slice)"
    check "Delegate" yes "$(prop $unit Delegate)"
    check "TasksMax" 20 "$(prop $unit TasksMax)"
    check "MemoryMax" 33554432 "$(prop $unit MemoryMax)"
    if [ "$name" = runc ]; then
        # runc 1.1 reads a swap limit equal to the memory limit as "unset" (its 0) and leaves
        # MemorySwapMax at infinity; it writes memory.swap.max 0 to the file only.
        skip "MemorySwapMax: runc 1.1 leaves it unset ($(prop $unit MemorySwapMax))"
    else
        check "MemorySwapMax" 0 "$(prop $unit MemorySwapMax)"
    fi
    check "CPUQuotaPerSecUSec" 500ms "$(prop $unit CPUQuotaPerSecUSec)"
    check "CPUWeight (shares 1024)" 39 "$(prop $unit CPUWeight)"
    pid=$(pid_of "$id")
    check "init's cgroup is the unit's" "0::/system.slice/$unit" "$(cat "/proc/$pid/cgroup" 2>&1)"
    check "pids.max" 20 "$(cat $dir/pids.max 2>&1)"
    check "memory.max" 33554432 "$(cat $dir/memory.max 2>&1)"
    check "memory.swap.max" 0 "$(cat $dir/memory.swap.max 2>&1)"
    check "cpu.max" "50000 100000" "$(cat $dir/cpu.max 2>&1)"
    check "cpu.weight" 39 "$(cat $dir/cpu.weight 2>&1)"
    if wait_for 5 only_one_process "$dir"; then ok "only the init in the scope before start"
    else fail "scope processes before start: $(cat $dir/cgroup.procs | tr '\n' ' ')"; fi
    rt start "$id" >/dev/null 2>&1 || fail "start"
    if wait_for 60 has_line procs= "$B/c1.out"; then
        n=$(sed -n 's/^procs=//p' "$B/c1.out")
        if [ "$n" -le 20 ] && [ "$(cat $dir/pids.current)" -le 20 ]; then ok "fork loop held at pids.max ($n processes, pids.current $(cat $dir/pids.current))"
        else fail "fork loop not held: $n processes"; fi
    else
        fail "fork loop did not report: $(cat "$B/c1.out")"
    fi
    if rt update --pids-limit 30 "$id" >"$B/err" 2>&1; then
        check "update: TasksMax" 30 "$(prop $unit TasksMax)"
        check "update: pids.max" 30 "$(cat $dir/pids.max 2>&1)"
    else
        fail "update --pids-limit 30: $(cat "$B/err")"
    fi
    if rt pause "$id" >"$B/err" 2>&1; then
        check "pause: cgroup.freeze" 1 "$(cat $dir/cgroup.freeze)"
        check "pause: state" paused "$(state_of "$id")"
    else
        fail "pause: $(cat "$B/err")"
    fi
    if rt resume "$id" >"$B/err" 2>&1; then
        check "resume: cgroup.freeze" 0 "$(cat $dir/cgroup.freeze)"
        check "resume: state" running "$(state_of "$id")"
    else
        fail "resume: $(cat "$B/err")"
    fi
    if [ "$(rt ps "$id" 2>/dev/null | grep -c sleep)" -ge 1 ]; then ok "ps lists the scope's processes"
    else fail "ps: $(rt ps "$id" 2>&1)"; fi
    rt kill "$id" KILL >/dev/null 2>&1
    wait_for 10 is_stopped "$id"
    rt delete "$id" >"$B/err" 2>&1 || fail "delete: $(cat "$B/err")"
    if wait_for 5 unit_gone $unit; then ok "delete: no unit left"; else fail "delete: unit $(prop $unit ActiveState)"; fi
    if [ ! -e "$dir" ]; then ok "delete: no directory left"; else fail "delete: $dir left"; fi

    # --- a nested slice name: kube-pod123.slice is kube.slice/kube-pod123.slice
    mkbundle "$B/c2" "kube-pod123.slice:cri:c2" '["/bin/sleep", "600"]' '{"pids": {"limit": 10}}'
    id=c2-$name
    dir=$CG/kube.slice/kube-pod123.slice/cri-c2.scope
    if rt create -b "$B/c2" "$id" >"$B/c2.out" 2>&1 </dev/null; then ok "create in kube-pod123.slice:cri:c2"
    else fail "create nested: $(cat "$B/c2.out")"; fi
    check "nested: cgroup" "0::/kube.slice/kube-pod123.slice/cri-c2.scope" "$(cat "/proc/$(pid_of "$id")/cgroup" 2>&1)"
    check "nested: pids.max" 10 "$(cat $dir/pids.max 2>&1)"
    rt delete --force "$id" >"$B/err" 2>&1 || fail "delete --force nested: $(cat "$B/err")"
    if wait_for 5 unit_gone cri-c2.scope && [ ! -e "$dir" ]; then ok "nested: nothing left"
    else fail "nested: left $(prop cri-c2.scope ActiveState) $(ls -d $dir 2>&1)"; fi

    # --- kill -9 of the runtime during create (held in a createRuntime hook)
    mkbundle "$B/c3" "system.slice:sdtest:c3" '["/bin/sleep", "600"]' '{"pids": {"limit": 10}}' \
        '{"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "20"]}]}'
    id=c3-$name
    timeout "$T" "$RUNTIME" --systemd-cgroup --root "$RTROOT" create -b "$B/c3" "$id" >"$B/c3.out" 2>&1 </dev/null &
    rtpid=$!
    if wait_for 30 unit_active sdtest-c3.scope; then ok "kill -9: scope up during create"
    else fail "kill -9: scope never active"; fi
    kill -9 $rtpid 2>/dev/null
    wait $rtpid 2>/dev/null
    rt delete --force "$id" >"$B/err" 2>&1
    if wait_for 10 unit_gone sdtest-c3.scope && [ ! -e $CG/system.slice/sdtest-c3.scope ]; then
        ok "kill -9 during create, then delete --force: no unit left"
    else
        fail "kill -9 during create: unit $(prop sdtest-c3.scope ActiveState) after delete --force ($(cat "$B/err"))"
        systemctl stop sdtest-c3.scope 2>/dev/null
    fi

    left=$(systemctl list-units --all --no-legend --type=scope 2>/dev/null | grep -E 'sdtest|cri-' | tr '\n' ' ')
    check "no sdtest/cri scope left" "" "$left"
    summarize
}

echo "# booted in $(cut -d' ' -f1 /proc/uptime) s; $(systemctl --version | head -1); $(grep -c cgroup2 /proc/mounts) cgroup2 mount, $(grep -c ' cgroup ' /proc/mounts) v1"
for r in "$@"; do test_runtime "$r"; done
echo "total: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" = 0 ]
