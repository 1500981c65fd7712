#!/bin/sh
# cgroup v2 checks, run inside the VM (vm/run-cgroup2-tests.sh) by busybox sh, once per
# runtime given:  guest-tests.sh RUNTIME...   (each a runc-compatible binary)
#
# Needs: cgroup2 mounted at /sys/fs/cgroup with controllers enabled in the root's
# subtree_control, and a busybox rootfs at /bundle/rootfs. Prints "ok - ..." or
# "FAIL - ..." per check, "NAME: N passed, N failed, N skipped" per runtime, and
# "total: N passed, N failed, N skipped" last.
CG=/sys/fs/cgroup
ROOTFS=${ROOTFS:-/bundle/rootfs}
T=30   # seconds allowed for any one runtime command

total_pass=0 total_fail=0 total_skip=0

# shellcheck source=vm/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

rt() { timeout "$T" "$RUNTIME" --root "$RTROOT" "$@"; }
cgroup_dir_of() { p=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null); [ -n "$p" ] && echo "$CG$p"; }

# wait_for SECONDS COMMAND...: poll every 0.2 s until COMMAND succeeds.
wait_for() {
    n=$(($1 * 5)); shift
    while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done
    return 1
}
is_stopped() { [ "$(state_of "$1")" = stopped ]; }
has_line() { grep -q "$1" "$2" 2>/dev/null; }

# mkbundle DIR ARGS_JSON RESOURCES_JSON [EXTRA_CAPS_JSON]
mkbundle() {
    mkdir -p "$1"
    caps='"CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"'
    [ -n "$4" ] && caps="$caps,$4"
    cgpath=""
    [ -n "$CGPATH" ] && cgpath=" \"cgroupsPath\": \"$CGPATH\","
    cat >"$1/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": $2,
    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"],
    "cwd": "/",
    "capabilities": {"bounding": [$caps], "effective": [$caps], "permitted": [$caps]},
    "noNewPrivileges": true
  },
  "root": {"path": "$ROOTFS", "readonly": true},
  "hostname": "vmtest",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
  ],
  "linux": {
    "resources": $3,$cgpath
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]
  }
}
EOF
}

test_runtime() {
    RUNTIME=$1
    name=$(basename "$RUNTIME")
    # The runtimes under test are /rt/N/runtime: the first is "runtime", then runtime2 ...
    case $RUNTIME in /rt/1/runtime) ;; /rt/*/runtime) name=runtime$(echo "$RUNTIME" | tr -dc 0-9) ;; esac
    RTROOT=/run/vmtest-$name
    B=/tmp/vmtest-$name
    mkdir -p "$RTROOT" "$B"
    pass=0 failed=0 skipped=0 started=$(date +%s)
    echo "# $name: $RUNTIME"
    if ! "$RUNTIME" --version >/dev/null 2>&1; then
        fail "$RUNTIME --version does not run (missing shared library?)"
        summarize; return
    fi
    help=$("$RUNTIME" --help 2>&1)

    # --- (1)(3)(5)(6)(7): one long-lived container with pids, memory and cpu limits.
    # Its init first tries to start 60 sleepers (a bounded fork loop in a subshell,
    # which ends at the first refused fork), counts the processes it can see, then sleeps.
    mkbundle "$B/limits" \
        '["/bin/sh", "-c", "( i=0; while [ $i -lt 60 ]; do sleep 600 & i=$((i+1)); done ) 2>/dev/null; set -- /proc/[0-9]*; echo procs=$#; exec sleep 600"]' \
        '{"pids": {"limit": 20}, "memory": {"limit": 33554432, "swap": 33554432}, "cpu": {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"}, "unified": {"memory.high": "30000000"}}'
    id=limits-$name
    # create keeps the caller's stdout: send it to a file, never a pipe.
    if rt create -b "$B/limits" "$id" >"$B/limits.out" 2>&1 </dev/null; then
        ok "create with pids/memory/cpu limits"
    else
        fail "create with pids/memory/cpu limits: $(cat "$B/limits.out")"
    fi
    pid=$(pid_of "$id")
    dir=""
    [ -n "$pid" ] && dir=$(cgroup_dir_of "$pid")
    if [ -n "$dir" ] && [ "$dir" != "$CG/" ] && [ -d "$dir" ]; then
        ok "container cgroup found through /proc/$pid/cgroup ($dir)"
    else
        fail "no cgroup directory for container pid '$pid' (got '$dir')"
        dir=/nonexistent
    fi
    check "pids.max" 20 "$(cat "$dir/pids.max" 2>&1)"
    check "memory.max" 33554432 "$(cat "$dir/memory.max" 2>&1)"
    check "cpu.max from quota/period" "50000 100000" "$(cat "$dir/cpu.max" 2>&1)"
    check "cpu.weight from shares 1024 (runc's conversion)" 39 "$(cat "$dir/cpu.weight" 2>&1)"
    if [ -f "$dir/memory.swap.max" ]; then
        check "memory.swap.max from swap == limit" 0 "$(cat "$dir/memory.swap.max" 2>&1)"
    else
        skip "memory.swap.max: no swap accounting in this kernel"
    fi
    check "cpuset.cpus" 0 "$(cat "$dir/cpuset.cpus" 2>&1)"
    check "cpuset.mems" 0 "$(cat "$dir/cpuset.mems" 2>&1)"
    check "unified memory.high" 29999104 "$(cat "$dir/memory.high" 2>&1)"

    rt start "$id" >>"$B/limits.out" 2>&1 </dev/null || fail "start: $(cat "$B/limits.out")"
    if wait_for 30 has_line procs= "$B/limits.out"; then
        procs=$(sed -n 's/^procs=//p' "$B/limits.out")
        current=$(cat "$dir/pids.current" 2>&1)
        events=$(sed -n 's/^max //p' "$dir/pids.events" 2>&1)
        if [ "$procs" -le 20 ] && [ "$procs" -ge 10 ] && [ "$current" -le 20 ] && [ "${events:-0}" -gt 0 ]; then
            ok "fork loop held by pids.max: $procs processes seen inside, pids.current $current, $events forks refused"
        else
            fail "fork loop: procs=$procs pids.current=$current pids.events max=$events"
        fi
    else
        fail "fork loop: the container printed nothing in 30 s: $(cat "$B/limits.out")"
    fi

    if echo "$help" | grep -qw pause && echo "$help" | grep -qw resume; then
        if rt pause "$id" >"$B/pause.out" 2>&1; then
            check "pause: cgroup.freeze" 1 "$(cat "$dir/cgroup.freeze" 2>&1)"
            check "pause: state" paused "$(state_of "$id")"
        else
            fail "pause: $(cat "$B/pause.out")"
        fi
        if rt resume "$id" >"$B/resume.out" 2>&1; then
            check "resume: cgroup.freeze" 0 "$(cat "$dir/cgroup.freeze" 2>&1)"
            check "resume: state" running "$(state_of "$id")"
        else
            fail "resume: $(cat "$B/resume.out")"
        fi
    else
        skip "pause/resume: not in '$name --help'"
    fi

    if echo "$help" | grep -qw update; then
        if rt update --pids-limit 30 "$id" >"$B/update.out" 2>&1; then
            check "update --pids-limit 30: pids.max" 30 "$(cat "$dir/pids.max" 2>&1)"
        else
            fail "update --pids-limit 30: $(cat "$B/update.out")"
        fi
    else
        skip "update --pids-limit: not in '$name --help'"
    fi

    rt kill "$id" KILL >"$B/kill.out" 2>&1 || fail "kill KILL: $(cat "$B/kill.out")"
    wait_for 20 is_stopped "$id" || fail "still '$(state_of "$id")' 20 s after kill KILL"
    if rt delete "$id" >"$B/delete.out" 2>&1; then
        if [ -d "$dir" ]; then
            fail "delete left the cgroup $dir (cgroup.procs: $(tr '\n' ' ' <"$dir/cgroup.procs" 2>&1))"
        else
            ok "delete removed the cgroup directory"
        fi
    else
        fail "delete: $(cat "$B/delete.out")"
    fi
    rt delete -f "$id" >/dev/null 2>&1

    # --- (2) a memory hog is OOM-killed under memory.max 32 MiB.
    mkbundle "$B/oom" '["/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]' \
        '{"memory": {"limit": 33554432}}'
    rt run -b "$B/oom" "oom-$name" >"$B/oom.out" 2>&1 </dev/null
    check "memory hog OOM-killed: run exit status" 137 "$?"
    rt delete -f "oom-$name" >/dev/null 2>&1

    # --- (4) devices: deny-all plus the runtime's defaults (eBPF program on v2).
    # c 42:0 is no registered driver: without a device filter open() says ENXIO
    # ("No such device or address"); the filter says EPERM. mknod ('m') itself is
    # allowed by runc's default rules, so CAP_MKNOD makes it succeed.
    mkbundle "$B/devices" \
        '["/bin/sh", "-c", "echo x >/dev/null && head -c 4 /dev/zero >/dev/null && echo null-ok; mknod /dev/x42 c 42 0 && echo mknod-ok; cat /dev/x42 >/dev/null 2>/dev/shm/err; echo \"open42: $(cat /dev/shm/err)\"; echo x >/dev/full 2>/dev/shm/err2; echo \"full: $(cat /dev/shm/err2)\""]' \
        '{"devices": [{"allow": false, "access": "rwm"}]}' '"CAP_MKNOD"'
    rt run -b "$B/devices" "dev-$name" >"$B/devices.out" 2>&1 </dev/null
    rc=$?
    if [ $rc = 0 ] && has_line null-ok "$B/devices.out"; then
        ok "devices: /dev/null and /dev/zero usable under deny-all + defaults"
    else
        fail "devices: /dev/null or /dev/zero not usable (exit $rc): $(cat "$B/devices.out")"
    fi
    if has_line 'full:.*No space left' "$B/devices.out"; then
        ok "devices: /dev/full is a default device (write gives ENOSPC)"
    else
        fail "devices: /dev/full: $(grep full: "$B/devices.out")"
    fi
    if has_line 'open42:.*Operation not permitted' "$B/devices.out"; then
        ok "devices: opening c 42:0 refused with EPERM by the device filter"
    else
        fail "devices: opening c 42:0 not refused by the filter: $(cat "$B/devices.out")"
    fi
    rt delete -f "dev-$name" >/dev/null 2>&1
    # Control: with every device allowed the same open reaches the (absent) driver,
    # so the EPERM above came from the filter.
    mkbundle "$B/devices-all" \
        '["/bin/sh", "-c", "mknod /dev/x42 c 42 0; cat /dev/x42 >/dev/null 2>/dev/shm/err; echo \"open42: $(cat /dev/shm/err)\""]' \
        '{"devices": [{"allow": true, "access": "rwm"}]}' '"CAP_MKNOD"'
    rt run -b "$B/devices-all" "devall-$name" >"$B/devices-all.out" 2>&1 </dev/null
    if has_line 'open42:.*No such device' "$B/devices-all.out"; then
        ok "devices: control with allow-all: the same open gives ENXIO"
    else
        fail "devices: control with allow-all: $(cat "$B/devices-all.out")"
    fi
    rt delete -f "devall-$name" >/dev/null 2>&1

    # --- (8) a nested absolute cgroupsPath: the runtime creates the ancestors and
    # enables the controllers down the chain (their subtree_control starts empty).
    CGPATH=/vmtest-$name/nested/leaf mkbundle "$B/nested" '["/bin/true"]' '{"pids": {"limit": 7}, "memory": {"limit": 67108864}}'
    if rt create -b "$B/nested" "nested-$name" >"$B/nested.out" 2>&1 </dev/null; then
        check "nested cgroupsPath: pids.max" 7 "$(cat "$CG/vmtest-$name/nested/leaf/pids.max" 2>&1)"
        check "nested cgroupsPath: memory.max" 67108864 "$(cat "$CG/vmtest-$name/nested/leaf/memory.max" 2>&1)"
        pid=$(pid_of "nested-$name")
        check "nested cgroupsPath: /proc/<pid>/cgroup" "0::/vmtest-$name/nested/leaf" "$(cat "/proc/$pid/cgroup" 2>&1)"
    else
        fail "nested cgroupsPath: create: $(cat "$B/nested.out")"
    fi
    rt delete -f "nested-$name" >/dev/null 2>&1
    if [ -d "$CG/vmtest-$name/nested/leaf" ]; then
        fail "delete -f left $CG/vmtest-$name/nested/leaf"
    else
        ok "nested cgroupsPath: delete removed the leaf"
    fi
    rmdir "$CG/vmtest-$name/nested" "$CG/vmtest-$name" 2>/dev/null

    # --- (9) exec --cgroup SUB (runc 1.1): the process is born in an existing cgroup below
    # the container's (CLONE_INTO_CGROUP on cgroup2); ".." is refused.
    CGPATH=/vmtest-$name/sub mkbundle "$B/subcg" '["/bin/sleep", "600"]' '{}'
    if rt run -d -b "$B/subcg" "subcg-$name" >"$B/subcg.out" 2>&1 </dev/null && mkdir "$CG/vmtest-$name/sub/inner"; then
        # Seen from the container's cgroup namespace, rooted at its cgroup.
        check "exec --cgroup: the process runs in the sub-cgroup" "0::/inner" \
            "$(rt exec --cgroup inner "subcg-$name" cat /proc/self/cgroup 2>&1 </dev/null)"
        if rt exec --cgroup .. "subcg-$name" true >/dev/null 2>&1; then fail "exec --cgroup .. was accepted"; else
            ok "exec --cgroup .. is refused"; fi
    else
        fail "exec --cgroup: run -d: $(cat "$B/subcg.out")"
    fi
    rt delete -f "subcg-$name" >/dev/null 2>&1
    rmdir "$CG/vmtest-$name" 2>/dev/null

    # --- after run/delete, no cgroup of ours is left behind.
    left=$(find "$CG" -mindepth 1 -maxdepth 2 -type d -name "*-$name" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')
    check "no container cgroup left after run/delete" "" "$left"

    summarize
}

summarize() {
    echo "# $name: $(($(date +%s) - started)) s"
    echo "$name: $pass passed, $failed failed, $skipped skipped"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + failed))
    total_skip=$((total_skip + skipped))
}

[ $# -gt 0 ] || { echo "usage: $0 RUNTIME..." >&2; exit 2; }
if ! grep -q cgroup2 /proc/self/mounts || [ ! -f "$CG/cgroup.subtree_control" ]; then
    echo "FAIL - cgroup2 is not mounted at $CG"
    echo "total: 0 passed, 1 failed"
    exit 1
fi
for r in "$@"; do
    test_runtime "$r"
done
echo "total: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" = 0 ]
