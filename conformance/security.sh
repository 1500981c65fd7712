# shellcheck shell=bash
# Security regression tests: what the container process ends up with (capability sets,
# no_new_privs, seccomp, rlimits, open fds) and what it must not reach (the runtime's binary,
# host paths through leaked fds or cwd). Every check also holds for runc.

# Capability numbers (linux/capability.h), for masks computed from names.
CAP_NUMBERS='CHOWN:0 DAC_OVERRIDE:1 DAC_READ_SEARCH:2 FOWNER:3 FSETID:4 KILL:5 SETGID:6 SETUID:7
SETPCAP:8 LINUX_IMMUTABLE:9 NET_BIND_SERVICE:10 NET_BROADCAST:11 NET_ADMIN:12 NET_RAW:13
IPC_LOCK:14 IPC_OWNER:15 SYS_MODULE:16 SYS_RAWIO:17 SYS_CHROOT:18 SYS_PTRACE:19 SYS_PACCT:20
SYS_ADMIN:21 SYS_BOOT:22 SYS_NICE:23 SYS_RESOURCE:24 SYS_TIME:25 SYS_TTY_CONFIG:26 MKNOD:27
LEASE:28 AUDIT_WRITE:29 AUDIT_CONTROL:30 SETFCAP:31 MAC_OVERRIDE:32 MAC_ADMIN:33 SYSLOG:34
WAKE_ALARM:35 BLOCK_SUSPEND:36 AUDIT_READ:37 PERFMON:38 BPF:39 CHECKPOINT_RESTORE:40'

# cap_mask NAME...: the /proc/PID/status hex mask (16 digits) of the named capabilities
cap_mask() {
    local mask=0 name pair
    for name in "$@"; do
        for pair in $CAP_NUMBERS; do
            [ "CAP_${pair%:*}" = "$name" ] && mask=$((mask | (1 << ${pair#*:})))
        done
    done
    printf '%016x' "$mask"
}

# seccomp_agent SOCKET OUTFILE: a seccomp notify agent. Accepts one connection, saves the
# JSON it receives (plus how many fds came with it and what the first one is) to OUTFILE,
# then closes the fds: the notified syscalls then fail with ENOSYS.
seccomp_agent() {
    python3 - "$1" "$2" <<'EOF'
import json, os, socket, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(10)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 65536, 8)
result = {"message": json.loads(msg), "nfds": len(fds),
          "link": os.readlink("/proc/self/fd/%d" % fds[0]) if fds else ""}
for fd in fds:
    os.close(fd)
with open(out, "w") as f:
    json.dump(result, f)
EOF
}

security_tests() {
    AREA=security
    local b id rc got want caps

    # --- capabilities: every set exactly as configured -------------------------------------
    # With noNewPrivileges (hello's default) execve cannot widen the permitted set, so for
    # root each set survives as configured (root's effective set is its permitted set).
    local bnd=(CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETUID CAP_AUDIT_WRITE)
    caps=$(jq -nc '{bounding: $ARGS.positional, inheritable: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        permitted: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"], effective: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        ambient: ["CAP_KILL"]}' --args "${bnd[@]}")
    run_sh sec-caps-root 'grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status | tr -d "\t" | tr "\n" " "' \
        '.process.capabilities = $c' --argjson c "$caps"
    want="CapInh:$(cap_mask CAP_KILL CAP_NET_BIND_SERVICE) CapPrm:$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE)"
    want+=" CapEff:$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE) CapBnd:$(cap_mask "${bnd[@]}") CapAmb:$(cap_mask CAP_KILL)"
    expect_eq "root: CapInh/CapPrm/CapEff/CapBnd/CapAmb are exactly the configured sets" "$want" \
        "$(sed 's/ NoNewPrivs:[0-9]//; s/ $//' <<<"$STDOUT")" "$STDERR"
    expect_match "noNewPrivileges true: NoNewPrivs is 1" 'NoNewPrivs:1' "$STDOUT" "$STDERR"
    # A non-root process keeps across execve only what is ambient: permitted = effective = ambient.
    caps=$(jq -nc '{bounding: $ARGS.positional, inheritable: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID"],
        permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE"], effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        ambient: ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}' --args "${bnd[@]}")
    run_sh sec-caps-user 'grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status | tr -d "\t" | tr "\n" " "' \
        '.process.capabilities = $c | .process.user = {uid: 1000, gid: 1000}' --argjson c "$caps"
    want="CapInh:$(cap_mask CAP_KILL CAP_NET_BIND_SERVICE CAP_SETUID) CapPrm:$(cap_mask CAP_KILL CAP_NET_BIND_SERVICE)"
    want+=" CapEff:$(cap_mask CAP_KILL CAP_NET_BIND_SERVICE) CapBnd:$(cap_mask "${bnd[@]}") CapAmb:$(cap_mask CAP_KILL CAP_NET_BIND_SERVICE)"
    expect_eq "uid 1000: CapInh/CapPrm/CapEff/CapBnd/CapAmb are exactly the configured sets" "$want" \
        "$(sed 's/ NoNewPrivs:[0-9]//; s/ $//' <<<"$STDOUT")" "$STDERR"
    expect_match "noNewPrivileges true: NoNewPrivs is 1 for a non-root user too" 'NoNewPrivs:1' "$STDOUT" "$STDERR"

    # --- CAP_SYS_ADMIN gates mount ----------------------------------------------------------
    run_sh sec-mount 'mount -t tmpfs none /mnt 2>/dev/null; echo $?'
    if [ -n "$STDOUT" ] && [ "$STDOUT" != 0 ]; then ok "mount fails without CAP_SYS_ADMIN"; else fail "mount fails without CAP_SYS_ADMIN" "mount exit: '$STDOUT' $STDERR"; fi
    run_sh sec-mount-admin 'mount -t tmpfs none /mnt; echo $?' '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
    expect_eq "mount works with CAP_SYS_ADMIN (the control for the check above)" 0 "$STDOUT" "$STDERR"

    # --- seccomp errnoRet -------------------------------------------------------------------
    local errno msg
    for errno in 1:Operation.not.permitted 13:Permission.denied; do
        msg=${errno#*:}
        run_sh "sec-seccomp-${errno%%:*}" 'mkdir /dev/shm/d 2>&1; [ -d /dev/shm/d ] && echo created' \
            '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: ($e | tonumber)}]}' \
            --arg e "${errno%%:*}"
        expect_match "seccomp errnoRet ${errno%%:*}: the denied syscall fails with ${msg//./ }" "^mkdir: .*${msg}\$" "$STDOUT" "$STDERR"
    done

    # --- rlimits ----------------------------------------------------------------------------
    run_sh sec-rlimits 'grep -E "^Max (open files|core file size)" /proc/self/limits | tr -s " " | tr "\n" "|"' \
        '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 768}, {type: "RLIMIT_CORE", soft: 0, hard: 4096}]'
    expect_eq "rlimits: RLIMIT_NOFILE and RLIMIT_CORE soft/hard are exact in /proc/self/limits" \
        "Max core file size 0 4096 bytes |Max open files 512 768 files |" "$STDOUT" "$STDERR"

    # --- no leaked fds ------------------------------------------------------------------------
    # ls lists the shell's fds from a child process (no pipe: the shell would hold its ends).
    run_sh sec-fds 'ls /proc/$$/fd; :'
    expect_eq "the container process has only fds 0 1 2 open" "0 1 2" "$(echo $STDOUT)" "$STDERR"
    run_sh sec-fd-targets 'for f in /proc/$$/fd/*; do readlink "$f"; done; readlink /proc/$$/cwd /proc/$$/root'
    if [ -n "$STDOUT" ] && ! grep -q -e "$STATE" -e "$WORK/b/" -e "$ROOTFS" <<<"$STDOUT"; then
        ok "no fd, cwd or root of the process points into the state dir, the bundle or the host rootfs path"
    else
        fail "no fd, cwd or root of the process points into the state dir, the bundle or the host rootfs path" "$(echo $STDOUT) $STDERR"
    fi
    b=$(mkbundle sec-fds-host '.process.args = ["/bin/sleep", "30"]')
    id=$(new_id sec-fds-host)
    ctr_run "$id" "$b" -d
    expect_eq "the container process has only fds 0 1 2 open (seen from the host)" "0 1 2" "$(echo $(ls "/proc/$(pid_of "$id")/fd" 2>&1))"
    ctr_delete --force "$id"

    # --- no way out to host paths through cwd or a leaked fd (CVE-2024-21626) ---------------
    run_sh sec-cwd 'readlink /proc/self/cwd; pwd' '.process.cwd = "/etc"'
    expect_eq "the process's cwd is inside the container root (readlink /proc/self/cwd, pwd)" "/etc /etc" "$(echo $STDOUT)" "$STDERR"
    # A cwd of /proc/self/fd/N would be a leaked runtime fd (runc's was /sys/fs/cgroup): either
    # the create fails or the process still cannot climb out of its root to a host-only file.
    local n escaped=
    for n in 3 4 5 6 7 8 9; do
        run_sh "sec-cwd-fd$n" 'readlink /proc/self/cwd; cd ../../../../../../../../..; cat ".$1" 2>/dev/null; :' \
            '.process.cwd = $c | .process.args += ["sh", $m]' --arg c "/proc/self/fd/$n" --arg m "$HOST_MARKER"
        grep -q '^host$' <<<"$STDOUT" && escaped+=" fd$n (started in $(sed -n 1p <<<"$STDOUT"))"
    done
    if [ -z "$escaped" ]; then ok "process.cwd /proc/self/fd/N (3-9) cannot reach host files"; else fail "process.cwd /proc/self/fd/N (3-9) cannot reach host files" "read the host-only file via:$escaped"; fi
    # The same through exec --cwd.
    b=$(mkbundle sec-exec-cwd '.process.args = ["/bin/sleep", "30"]')
    id=$(new_id sec-exec-cwd)
    ctr_run "$id" "$b" -d
    escaped=
    for n in 3 4 5 6 7 8 9; do
        rt exec --cwd "/proc/self/fd/$n" "$id" /bin/sh -c 'cd ../../../../../../../../..; cat ".$1" 2>/dev/null; :' sh "$HOST_MARKER" \
            >"$OUT/sec-exec-cwd-$n.out" 2>&1 </dev/null
        grep -q host "$OUT/sec-exec-cwd-$n.out" && escaped+=" fd$n"
    done
    if [ -z "$escaped" ]; then ok "exec --cwd /proc/self/fd/N (3-9) cannot reach host files"; else fail "exec --cwd /proc/self/fd/N (3-9) cannot reach host files" "read the host-only file via:$escaped"; fi
    ctr_delete --force "$id"

    # --- the runtime's binary is out of reach (CVE-2019-5736) -------------------------------
    run_sh sec-exe 'readlink /proc/1/exe; if (exec 3>>/proc/self/exe) 2>/dev/null; then echo opened-for-writing; else echo refused; fi'
    expect_eq "the container's pid 1 is its own program, and /proc/self/exe cannot be opened for writing" "/bin/busybox refused" "$(echo $STDOUT)" "$STDERR"

    # --- seccomp SCMP_ACT_NOTIFY ------------------------------------------------------------
    if ! python3 -c 'import socket; socket.recv_fds' 2>/dev/null; then
        skip "seccomp SCMP_ACT_NOTIFY" "python3 >= 3.9 is needed for the agent"
        return
    fi
    local sock=$WORK/seccomp-agent.sock out=$WORK/seccomp-agent.json agent i
    seccomp_agent "$sock" "$out" 2>"$WORK/seccomp-agent.err" &
    agent=$!
    for ((i = 0; i < 100; i++)); do [ -S "$sock" ] && break; sleep 0.02; done
    run_sh sec-notify 'mkdir /dev/shm/d 2>&1; [ -d /dev/shm/d ] && echo created; :' \
        '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $l, listenerMetadata: "conformance-meta",
            syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg l "$sock"
    timeout 10 tail --pid=$agent -f /dev/null 2>/dev/null
    kill $agent 2>/dev/null
    wait $agent 2>/dev/null
    got=$(cat "$out" 2>/dev/null)
    if jq_true "$got" '.nfds == 1 and .message.fds == ["seccompFd"] and .message.metadata == "conformance-meta"
        and .message.state.id == $id and .message.state.status == "creating" and .message.pid > 0 and .message.state.pid == .message.pid' --arg id "$ID"; then
        ok "seccomp notify: the agent gets the fd and the state JSON (fds, metadata, id, status creating, pid)"
    else
        fail "seccomp notify: the agent gets the fd and the state JSON (fds, metadata, id, status creating, pid)" "$got $(cat "$WORK/seccomp-agent.err") $STDERR"
    fi
    expect_eq "seccomp notify: the fd sent is a seccomp listener" "anon_inode:seccomp notify" "$(jq -r .link <<<"$got" 2>/dev/null)" "$got"
    expect_match "seccomp notify: with the agent gone, the notified syscall fails with ENOSYS" '^mkdir: .*Function not implemented$' "$STDOUT" "$STDERR"
}
