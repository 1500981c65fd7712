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

runc_users_tests() {
    AREA=runc-users
    runc_users_defect_tests
}
