# shellcheck shell=bash
# What runc's own users rely on beyond the spec text (issue 13, issue 10 §4/§5): device rules
# that a listed node cannot override, a frozen target cgroup refused up front, seccomp's
# -ENOSYS for syscalls newer than the profile, SCMP_ACT_NOTIFY refused where the runtime
# needs the syscall itself, and the CLI details callers script against.

# A static helper that makes raw syscalls and prints "nr=errno" (0: it succeeded), for the
# seccomp checks; empty when no C compiler with a static libc is around.
syscall_helper() {
    local bin=$WORK/syscall-probe cc
    [ -x "$bin" ] && { echo "$bin"; return; }
    cc=$(command -v cc || command -v gcc || command -v clang) || return 0
    cat >"$WORK/syscall-probe.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        errno = 0;
        long r = syscall(atol(argv[i]), 0, 0, 0, 0, 0, 0);
        printf("%s=%d%s", argv[i], r < 0 ? errno : 0, i + 1 < argc ? " " : "\n");
    }
    return 0;
}
EOF
    "$cc" -static -O1 -o "$bin" "$WORK/syscall-probe.c" 2>/dev/null && echo "$bin"
}

runc_users_defect_tests() {
    local id bundle rc out cg

    # --- 1. device rules: a node in linux.devices gets no allow rule of its own -----------
    run_sh dev-deny 'if echo conformance-kmsg 2>/dev/null >/dev/kmsg; then echo kmsg-written; else echo kmsg-denied; fi
        [ -c /dev/kmsg ] && echo kmsg-exists; echo x >/dev/null && echo null-ok' \
        '.linux.resources.devices = [{allow: false, access: "rwm"}]
         | .linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11, fileMode: 438}]'
    expect_eq "deny-all device rule + listed /dev/kmsg: the node exists but cannot be opened for writing" \
        "kmsg-denied kmsg-exists null-ok" "$(echo $STDOUT)" "rc=$RC $STDERR"

    # --- 2. a frozen target cgroup is refused up front, nothing left ----------------------
    cg=conformance-frozen-$$
    local frozen_dir="" thaw=""
    if [ -d /sys/fs/cgroup/freezer ]; then
        frozen_dir=/sys/fs/cgroup/freezer/$cg
        mkdir -p "$frozen_dir" && echo FROZEN >"$frozen_dir/freezer.state" && thaw=THAWED
    elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        frozen_dir=/sys/fs/cgroup/$cg
        mkdir -p "$frozen_dir" && echo 1 >"$frozen_dir/cgroup.freeze" && thaw=0
    fi
    if [ -n "$thaw" ]; then
        bundle=$(mkbundle frozen '.linux.cgroupsPath = $cg' --arg cg "/$cg")
        id=$(new_id frozen)
        local procs_before
        procs_before=$(runtime_procs)
        ctr_create "$id" "$bundle"
        rc=$?
        expect_fail "create into a frozen cgroup fails (without hanging)" $rc "$(cat "$OUT/$id.err")"
        expect_match "create into a frozen cgroup: the error says it is frozen" 'frozen' "$(cat "$OUT/$id.err")"
        local left
        left=$(state_dir_entries)
        for h in /sys/fs/cgroup/*/; do [ -d "$h$cg" ] && [ "$h$cg" != "$frozen_dir" ] && left="$left $h$cg"; done
        [ "$(runtime_procs)" -gt "$procs_before" ] && left="$left runtime-process"
        expect_eq "create into a frozen cgroup leaves no state, cgroup or process" "" "$(echo $left)"
        if [ "$thaw" = THAWED ]; then echo THAWED >"$frozen_dir/freezer.state"; else echo 0 >"$frozen_dir/cgroup.freeze"; fi
        ctr_delete --force "$id"
        for h in /sys/fs/cgroup/*/; do [ -d "$h$cg" ] && rmdir "$h$cg" 2>/dev/null; done
        rmdir "$frozen_dir" 2>/dev/null
    else
        skip "create into a frozen cgroup" "no cgroup freezer here"
    fi

    # --- 5. seccomp: newer syscalls get ENOSYS, named ones keep their action --------------
    local probe
    probe=$(syscall_helper)
    if [ -n "$probe" ] && [ "$(uname -m)" = x86_64 ]; then
        # Named: execveat (322) is the highest; getppid (110) denied. getpgrp (111) is unnamed
        # but older (default EPERM); clone3 (435) and 1000 are newer than anything named.
        bundle=$(mkbundle seccomp-enosys '.process.args = ["/syscall-probe", "110", "111", "435", "1000"]
            | .mounts += [{destination: "/syscall-probe", type: "bind", source: $p, options: ["bind", "ro"]}]
            | .linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                syscalls: [{names: $allow, action: "SCMP_ACT_ALLOW"}, {names: ["getppid"], action: "SCMP_ACT_ERRNO"}]}' \
            --arg p "$probe" --argjson allow '["read","write","writev","close","openat","open","fstat","newfstatat","lseek",
                "mmap","mprotect","munmap","brk","rt_sigaction","rt_sigprocmask","rt_sigreturn","ioctl","pread64","access",
                "pipe","pipe2","dup","dup2","dup3","nanosleep","getpid","gettid","tgkill","futex","sched_yield","sigaltstack",
                "clone","fork","execve","execveat","exit","exit_group","fcntl","arch_prctl","set_tid_address",
                "set_robust_list","prlimit64","getrandom","readlink","readlinkat","uname","capget","capset","prctl",
                "setresuid","setresgid","setgroups","epoll_pwait","epoll_ctl","epoll_create1","madvise","mincore","getuid",
                "getgid","geteuid","getegid","fstatfs","statfs","getdents64","sched_getaffinity"]')
        id=$(new_id seccomp-enosys)
        ctr_run "$id" "$bundle"
        rc=$?
        expect_eq "seccomp: syscalls newer than any the profile names get ENOSYS (38), named and older ones the default EPERM" \
            "0 110=1 111=1 435=38 1000=38" "$rc $(cat "$OUT/$id.out")" "$(cat "$OUT/$id.err")"
        ctr_delete --force "$id"
    else
        skip "seccomp ENOSYS for newer syscalls" "no static C compiler (or not x86_64)"
    fi

    # --- SCMP_ACT_NOTIFY on write: the runtime writes after loading the filter -----------
    bundle=$(mkbundle notify-write '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $l,
        syscalls: [{names: ["write"], action: "SCMP_ACT_NOTIFY"}]}' --arg l "$WORK/no-agent.sock")
    id=$(new_id notify-write)
    ctr_create "$id" "$bundle"
    rc=$?
    expect_fail "seccomp: SCMP_ACT_NOTIFY on write is refused" $rc "$(cat "$OUT/$id.err")"
    expect_match "seccomp: the refusal names write" 'write' "$(cat "$OUT/$id.err")"
    expect_eq "seccomp: the refused create leaves no state" "" "$(state_dir_entries)"
    ctr_delete --force "$id"
}

# sub_cgroup PID NAME mkdir|rmdir: NAME below PID's cgroup in every hierarchy (exec --cgroup).
sub_cgroup() {
    local line ctrls path mnt
    while IFS= read -r line; do
        ctrls=${line#*:}; ctrls=${ctrls%%:*}; path=${line#*:*:}
        case $ctrls in
        "") mnt=/sys/fs/cgroup/unified; [ -d "$mnt" ] || mnt=/sys/fs/cgroup ;;
        name=*) mnt=/sys/fs/cgroup/${ctrls#name=} ;;
        *) mnt=/sys/fs/cgroup/$ctrls ;;
        esac
        [ -d "$mnt$path" ] && "$3" "$mnt$path/$2" 2>/dev/null
        # v1 cpuset: a new cgroup has no cpus or mems until given its parent's.
        if [ "$3" = mkdir ] && [ -f "$mnt$path/$2/cpuset.cpus" ]; then
            cat "$mnt$path/cpuset.cpus" >"$mnt$path/$2/cpuset.cpus"
            cat "$mnt$path/cpuset.mems" >"$mnt$path/$2/cpuset.mems"
        fi
    done <"/proc/$1/cgroup"
    return 0
}

runc_users_cli_tests() {
    local id bundle rc out b log pid

    # A running container for the commands below.
    b=$(mkbundle users-cli "$ARGS_SH" --arg s 'echo ready; exec sleep 300')
    id=$(new_id users-cli)
    ctr_run "$id" "$b" -d
    if ! wait_file "$OUT/$id.out" 5 ready; then
        fail "a detached container for the CLI checks starts" "$(cat "$OUT/$id.err")"
        return
    fi
    pid=$(pid_of "$id")

    # `exec` failing itself exits 255; the process's own status passes through.
    rt exec "missing-$$" true >"$OUT/x255.out" 2>"$OUT/x255.err" </dev/null
    expect_eq "exec into a missing container exits 255 (exec itself failed)" 255 $? "$(cat "$OUT/x255.err")"
    rt exec "$id" sh -c 'exit 7' >/dev/null 2>&1 </dev/null
    expect_eq "exec passes the process's own exit status (7)" 7 $?

    # -v is --version; exec -p is --process.
    out=$(rt -v 2>&1 </dev/null)
    expect_match "-v prints the version" 'version [0-9]' "$out"
    jq -n '{args: ["/bin/echo", "via-p"], cwd: "/", env: ["PATH=/bin"], user: {uid: 0, gid: 0}}' >"$WORK/proc-p.json"
    rt exec -p "$WORK/proc-p.json" "$id" >"$OUT/xp.out" 2>"$OUT/xp.err" </dev/null
    expect_eq "exec -p FILE is --process FILE" "0 via-p" "$? $(cat "$OUT/xp.out")" "$(cat "$OUT/xp.err")"

    # exec --process FILE that cannot be read: exit 255 and the error reaches --log.
    log=$WORK/users-exec.log
    rt --log "$log" exec --process "$WORK/no-such-process.json" "$id" >/dev/null 2>"$OUT/xnp.err" </dev/null
    rc=$?
    expect_eq "exec --process with an unreadable file exits 255" 255 $rc "$(cat "$OUT/xnp.err")"
    expect_match "exec --process read errors reach --log" 'level=error.*no-such-process' "$(cat "$log" 2>/dev/null)" "$(cat "$OUT/xnp.err")"

    # --user: "" is not given (runc); ":" and out-of-range ids are one clear error, no crash.
    rt exec --user "" "$id" id -u >"$OUT/xu0.out" 2>"$OUT/xu0.err" </dev/null
    expect_eq 'exec --user "" runs as the configured user' "0 0" "$? $(cat "$OUT/xu0.out")" "$(cat "$OUT/xu0.err")"
    for u in : 1:x -1; do
        rt exec --user "$u" "$id" true >/dev/null 2>"$OUT/xu.err" </dev/null
        rc=$?
        if [ $rc -ne 0 ] && [ $rc -lt 128 ] || [ $rc -eq 255 ]; then
            expect_eq "exec --user '$u' fails with one line (no crash)" 1 "$(grep -c . "$OUT/xu.err")" "$(cat "$OUT/xu.err")"
        else
            fail "exec --user '$u' fails with one line (no crash)" "rc=$rc $(cat "$OUT/xu.err")"
        fi
    done

    # kill 0 is a liveness probe; absurd signals are refused, not a crash.
    rt kill "$id" 0 >"$OUT/k0.out" 2>&1 </dev/null
    expect_eq "kill <id> 0 succeeds on a running container" 0 $? "$(cat "$OUT/k0.out")"
    rt kill --all "$id" 0 >"$OUT/k0.out" 2>&1 </dev/null
    expect_eq "kill --all <id> 0 succeeds on a running container" 0 $? "$(cat "$OUT/k0.out")"
    for sig in RTMIN+2147483647 SIGRTMAX-2147483648 99999999999999999999 RTMIN+99999999999999999999; do
        rt kill "$id" "$sig" >"$OUT/ksig.out" 2>&1 </dev/null
        rc=$?
        if [ $rc -ge 1 ] && [ $rc -lt 128 ]; then ok "kill <id> $sig is refused with an error"; else
            fail "kill <id> $sig is refused with an error" "rc=$rc $(cat "$OUT/ksig.out")"; fi
    done
    expect_eq "the container survived the refused signals" running "$(status_of "$id")"

    # events and list --format json: keys in runc's order.
    out=$(rt events --stats "$id" 2>&1 </dev/null)
    expect_eq "events: keys type, id, data in that order" '["type","id","data"]' "$(jq -c keys_unsorted <<<"$out" 2>/dev/null)" "$out"
    expect_match "events --stats: the data holds the cgroup statistics" "\"cpu\":\\{" "$out"
    out=$(rt list --format json 2>&1 </dev/null)
    expect_eq "list --format json: runc's field order" '["ociVersion","id","pid","status","bundle","rootfs","created","owner"]' \
        "$(jq -c --arg id "$id" '.[] | select(.id == $id) | keys_unsorted' <<<"$out" 2>/dev/null)" "$out"

    # exec --cgroup (runc 1.1): an existing sub-cgroup, in every hierarchy or per controller;
    # ".." and a missing one are refused.
    sub_cgroup "$pid" "users-sub" mkdir
    out=$(rt exec --cgroup users-sub "$id" cat /proc/self/cgroup 2>"$OUT/xcg.err" </dev/null)
    if [ -n "$out" ] && ! grep -qv ':/users-sub$' <<<"$out"; then
        ok "exec --cgroup SUB runs the process in SUB of every hierarchy"
    else
        fail "exec --cgroup SUB runs the process in SUB of every hierarchy" "$out $(cat "$OUT/xcg.err")"
    fi
    if [ -d /sys/fs/cgroup/memory ]; then
        out=$(rt exec --cgroup memory,pids:users-sub "$id" cat /proc/self/cgroup 2>"$OUT/xcg.err" </dev/null)
        if grep -q ':memory:/users-sub$' <<<"$out" && grep -q ':pids:/users-sub$' <<<"$out" && grep -q ':freezer:/$' <<<"$out"; then
            ok "exec --cgroup CONTROLLERS:SUB moves only those controllers (v1)"
        else
            fail "exec --cgroup CONTROLLERS:SUB moves only those controllers (v1)" "$out $(cat "$OUT/xcg.err")"
        fi
    fi
    rt exec --cgroup .. "$id" true >/dev/null 2>"$OUT/xcg.err" </dev/null
    expect_fail "exec --cgroup .. is refused (not below the container's cgroup)" $? "$(cat "$OUT/xcg.err")"
    rt exec --cgroup users-missing "$id" true >/dev/null 2>"$OUT/xcg.err" </dev/null
    expect_fail "exec --cgroup of a missing cgroup is refused" $? "$(cat "$OUT/xcg.err")"
    sub_cgroup "$pid" "users-sub" rmdir

    # exec --ignore-paused: a paused container takes the exec; it runs once resumed.
    rt pause "$id" >/dev/null 2>&1 </dev/null
    rt exec "$id" true >/dev/null 2>"$OUT/xpaused.err" </dev/null
    expect_fail "exec into a paused container is refused" $? "$(cat "$OUT/xpaused.err")"
    rt exec --ignore-paused "$id" echo ran-after-resume >"$OUT/xig.out" 2>"$OUT/xig.err" </dev/null &
    local job=$!
    sleep 0.3   # ordering only: let the exec reach the frozen cgroup before the resume
    rt resume "$id" >/dev/null 2>&1 </dev/null
    wait $job
    rc=$?
    expect_eq "exec --ignore-paused runs once the container is resumed" "0 ran-after-resume" "$rc $(cat "$OUT/xig.out")" "$(cat "$OUT/xig.err")"

    # exec -t without --console-socket, from a terminal: the runtime relays it (like run).
    if command -v script >/dev/null 2>&1; then
        script_typed "$OUT/xt.script" relayed "'$RUNTIME' --root '$STATE' exec -t '$id' sh -c 'tty; read l; echo got:\$l; exit 3'"
        rc=$?
        out=$(tr -d '\r' <"$OUT/xt.script")
        expect_match "exec -t without --console-socket: the process's stdio is a pty" '^/dev/pts/[0-9]+$' "$out"
        expect_match "exec -t without --console-socket: the terminal's input is relayed" '^got:relayed$' "$out"
        expect_eq "exec -t through the relay exits with the process's code" 3 "$rc" "$out"
    else
        skip "exec -t with a relayed terminal" "script (util-linux) is missing"
    fi

    # ps on a stopped container: the header alone.
    ctr_kill "$id" KILL
    wait_status "$id" stopped 5
    out=$(rt ps "$id" 2>&1 </dev/null)
    rc=$?
    if [ $rc -eq 0 ] && [ "$(grep -c . <<<"$out")" -eq 1 ] && grep -q PID <<<"$out"; then
        ok "ps on a stopped container prints the header alone"
    else
        fail "ps on a stopped container prints the header alone" "rc=$rc $out"
    fi
    rt kill "$id" 0 >/dev/null 2>&1 </dev/null
    expect_fail "kill <id> 0 fails on a stopped container" $?
    ctr_delete --force "$id"

    # run --keep: the stopped container stays until delete.
    b=$(mkbundle users-keep "$ARGS_SH" --arg s 'exit 4')
    id=$(new_id users-keep)
    ctr_run "$id" "$b" --keep
    rc=$?
    expect_eq "run --keep: exit code, then the container is kept as stopped" "4 stopped" "$rc $(status_of "$id")" "$(cat "$OUT/$id.err")"
    ctr_delete "$id"
    expect_eq "run --keep: delete removes the kept container" "" "$(state_json "$id")"

    # --debug: create and exec log their steps to --log (text and json); ours start and
    # delete too (runc logs nothing there).
    for format in text json; do
        log=$WORK/users-debug.$format
        b=$(mkbundle users-debug "$ARGS_SH" --arg s 'exec sleep 300')
        id=$(new_id users-debug)
        rt --debug --log "$log" --log-format "$format" create --bundle "$b" "$id" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
        local n_create n_start n_exec n_delete
        n_create=$(grep -c debug "$log" 2>/dev/null)
        rt --debug --log "$log" --log-format "$format" start "$id" >/dev/null 2>&1 </dev/null
        n_start=$(grep -c debug "$log" 2>/dev/null)
        rt --debug --log "$log" --log-format "$format" exec "$id" true >/dev/null 2>&1 </dev/null
        n_exec=$(grep -c debug "$log" 2>/dev/null)
        rt --debug --log "$log" --log-format "$format" delete --force "$id" >/dev/null 2>&1 </dev/null
        n_delete=$(grep -c debug "$log" 2>/dev/null)
        if [ "${n_create:-0}" -gt 0 ] && [ "${n_exec:-0}" -gt "${n_start:-0}" ]; then
            ok "--debug --log-format $format: create and exec log debug lines to --log"
        else
            fail "--debug --log-format $format: create and exec log debug lines to --log" "create=$n_create start=$n_start exec=$n_exec"
        fi
        if [ "$(basename "$RUNTIME_REAL")" = runc ]; then
            skip "--debug: start and delete log their steps" "runc logs nothing there"
        elif [ "${n_start:-0}" -gt "${n_create:-0}" ] && [ "${n_delete:-0}" -gt "${n_exec:-0}" ]; then
            ok "--debug --log-format $format: start and delete log their steps"
        else
            fail "--debug --log-format $format: start and delete log their steps" "create=$n_create start=$n_start exec=$n_exec delete=$n_delete"
        fi
        if [ "$format" = json ]; then
            if jq -e -s 'length > 0 and all(.[]; (.level | type) == "string" and (.msg | type) == "string")' "$log" >/dev/null 2>&1; then
                ok "--debug --log-format json: every line is a JSON object with level and msg"
            else
                fail "--debug --log-format json: every line is a JSON object with level and msg" "$(head -3 "$log")"
            fi
        fi
    done

    # spec: a cgroup namespace only on a pure cgroup v2 host (runc).
    mkdir -p "$WORK/users-spec"
    rm -f "$WORK/users-spec/config.json"
    rt spec -b "$WORK/users-spec" >/dev/null 2>&1 </dev/null
    local want=false
    [ -f /sys/fs/cgroup/cgroup.controllers ] && want=true
    expect_eq "spec: a cgroup namespace exactly when the host is pure cgroup v2 ($want)" "$want" \
        "$(jq '[.linux.namespaces[].type] | index("cgroup") != null' "$WORK/users-spec/config.json" 2>/dev/null)"
}

runc_users_tests() {
    AREA=runc-users
    runc_users_defect_tests
    runc_users_cli_tests
}
