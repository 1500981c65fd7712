# shellcheck shell=bash
# `exec` (runc's CLI; the runtime-spec has no exec operation, so this is the semantics callers
# such as containerd and podman rely on): an exec'd process joins the running container — its
# namespaces, cgroup, capabilities and no_new_privs — and `exec` reports its exit status.
# The -t check uses console_recv from terminal.sh.

# ctr_exec ID OUTNAME [exec flags...] -- ARGS...: foreground exec; stdout/stderr go to
# $OUT/OUTNAME.out and .err (never a pipe: with -d the process would keep it open).
ctr_exec() {
    local id=$1 name=$2 flags=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
    rt exec "${flags[@]}" "$id" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null
}

exec_tests() {
    AREA=exec
    local b id pid rc got want

    # The init: records its view in /tmp (a tmpfs only its mount namespace has), then waits.
    b=$(mkbundle exec "$ARGS_SH"' | .hostname = "exec-ct" | .process.env += ["FROM_CONFIG=cfg"]
        | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]' \
        --arg s 'echo made-by-init >/tmp/init-file; echo ready; while [ ! -e /tmp/stop ]; do sleep 0.05; done')
    id=$(new_id exec)
    ctr_run "$id" "$b" -d
    rc=$?
    if [ $rc -ne 0 ] || ! wait_file "$OUT/$id.out" 5 ready; then
        fail "a detached container to exec into starts" "rc=$rc $(cat "$OUT/$id.err")"
        ctr_delete --force "$id"
        return
    fi
    pid=$(pid_of "$id")

    ctr_exec "$id" x-host -- hostname
    rc=$?
    expect_eq "exec runs the process in the container's uts namespace (hostname)" "0 exec-ct" "$rc $(cat "$OUT/x-host.out")" "$(cat "$OUT/x-host.err")"

    ctr_exec "$id" x-ns -- /bin/sh -c 'for n in pid mnt uts ipc net cgroup; do readlink /proc/self/ns/$n; done'
    want=$(for n in pid mnt uts ipc net cgroup; do readlink "/proc/$pid/ns/$n"; done)
    expect_eq "exec joins all the init's namespaces (pid mnt uts ipc net cgroup)" "$(echo $want)" "$(echo $(cat "$OUT/x-ns.out"))" "$(cat "$OUT/x-ns.err")"

    ctr_exec "$id" x-pid -- /bin/sh -c 'echo $$; tr "\0" " " </proc/1/cmdline'
    got=$(cat "$OUT/x-pid.out")
    if [ "$(sed -n 1p <<<"$got")" -gt 1 ] 2>/dev/null && grep -q 'made-by-init' <<<"$(sed -n 2p <<<"$got")"; then
        ok "exec: the process is not pid 1 and sees the container's init as pid 1"
    else
        fail "exec: the process is not pid 1 and sees the container's init as pid 1" "$got $(cat "$OUT/x-pid.err")"
    fi

    ctr_exec "$id" x-mnt -- cat /tmp/init-file
    expect_eq "exec shares the init's mount namespace (a file in its tmpfs is visible)" made-by-init "$(cat "$OUT/x-mnt.out")" "$(cat "$OUT/x-mnt.err")"

    ctr_exec "$id" x-exit -- /bin/sh -c 'exit 5'
    expect_eq "exec exits with the process's exit status (5)" 5 $?
    ctr_exec "$id" x-exit0 -- /bin/true
    expect_eq "exec exits 0 when the process exits 0" 0 $?

    ctr_exec "$id" x-env -e K=V -e FROM_CONFIG=overridden -- /bin/sh -c 'echo "$K|$FROM_CONFIG|$PATH"'
    expect_eq "exec -e adds/overrides variables on top of process.env" "V|overridden|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        "$(cat "$OUT/x-env.out")" "$(cat "$OUT/x-env.err")"
    ctr_exec "$id" x-env2 -- /bin/sh -c 'echo "$FROM_CONFIG"'
    expect_eq "exec without -e gets the config's process.env" cfg "$(cat "$OUT/x-env2.out")" "$(cat "$OUT/x-env2.err")"

    ctr_exec "$id" x-cwd --cwd /etc -- pwd
    expect_eq "exec --cwd sets the working directory" /etc "$(cat "$OUT/x-cwd.out")" "$(cat "$OUT/x-cwd.err")"

    ctr_exec "$id" x-user -u 1000:1000 -- /bin/sh -c 'id -u; id -g'
    expect_eq "exec -u 1000:1000 runs as uid 1000, gid 1000" "1000 1000" "$(echo $(cat "$OUT/x-user.out"))" "$(cat "$OUT/x-user.err")"

    # The exec'd process gets the container's capabilities and no_new_privs, not the runtime's.
    ctr_exec "$id" x-caps -- /bin/sh -c 'grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status | tr -d "\t"; echo ---; grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/1/status | tr -d "\t"'
    got=$(cat "$OUT/x-caps.out")
    expect_eq "exec: capability sets equal the init's (hello's sets)" "$(sed -n '/^---$/,$p' <<<"$got" | grep ^Cap | tr '\n' ' ')" \
        "$(sed -n '1,/^---$/p' <<<"$got" | grep ^Cap | tr '\n' ' ')" "$(cat "$OUT/x-caps.err")"
    expect_eq "exec: CapEff is the config's (AUDIT_WRITE KILL NET_BIND_SERVICE)" CapEff:0000000020000420 \
        "$(sed -n '1,/^---$/p' <<<"$got" | grep ^CapEff)" "$got"
    expect_eq "exec: no_new_privs is set (noNewPrivileges true)" NoNewPrivs:1 "$(sed -n '1,/^---$/p' <<<"$got" | grep ^NoNewPrivs)" "$got"

    # Cgroup membership: both read through the same cgroup namespace, so equal paths mean
    # the same cgroups.
    ctr_exec "$id" x-cg -- /bin/sh -c 'cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup'
    got=$(cat "$OUT/x-cg.out")
    if [ -n "$got" ] && [ "$(sed -n '1,/^---$/p' <<<"$got" | sed '$d')" = "$(sed -n '/^---$/,$p' <<<"$got" | sed 1d)" ]; then
        ok "exec: the process is in the init's cgroups (/proc/self/cgroup equals /proc/1/cgroup)"
    else
        fail "exec: the process is in the init's cgroups (/proc/self/cgroup equals /proc/1/cgroup)" "$got $(cat "$OUT/x-cg.err")"
    fi

    # Only stdio is inherited: no runtime fd leaks into the exec'd process.
    # (ls lists the shell's fds from a child process; no pipe, or the shell would hold its ends.)
    ctr_exec "$id" x-fds -- /bin/sh -c 'ls /proc/$$/fd; :'
    expect_eq "exec: the process has only fds 0 1 2 open" "0 1 2" "$(echo $(cat "$OUT/x-fds.out"))" "$(cat "$OUT/x-fds.err")"

    # exec -d --pid-file: returns at once; the file holds the pid of a live process in the container.
    local pidfile=$WORK/exec-d.pid dpid
    ctr_exec "$id" x-d -d --pid-file "$pidfile" -- /bin/sh -c 'echo detached >/tmp/detached; while [ ! -e /tmp/stop ]; do sleep 0.05; done'
    rc=$?
    dpid=$(tr -d '\n' <"$pidfile" 2>/dev/null)
    if [ $rc -eq 0 ] && [ "${dpid:-0}" -gt 0 ] 2>/dev/null && [ -d "/proc/$dpid" ] &&
        [ "$(readlink "/proc/$dpid/ns/pid")" = "$(readlink "/proc/$pid/ns/pid")" ]; then
        ok "exec -d --pid-file returns, and the file holds a live pid in the container's pid namespace"
    else
        fail "exec -d --pid-file returns, and the file holds a live pid in the container's pid namespace" "rc=$rc pidfile='$dpid' $(cat "$OUT/x-d.err")"
    fi
    expect_eq "exec -d: the detached process has only fds 0 1 2 open (seen from the host)" "0 1 2" "$(echo $(ls "/proc/$dpid/fd" 2>&1))"
    ctr_exec "$id" x-d-check -- /bin/sh -c 'for i in $(seq 100); do [ -e /tmp/detached ] && break; sleep 0.05; done; cat /tmp/detached'
    expect_eq "exec -d: the detached process runs" detached "$(cat "$OUT/x-d-check.out")" "$(cat "$OUT/x-d-check.err")"
    if [ "${dpid:-0}" -gt 0 ] 2>/dev/null && [ "$(cat "/proc/$dpid/cgroup" 2>/dev/null)" = "$(cat "/proc/$pid/cgroup")" ]; then
        ok "exec -d: the process is in the init's cgroups (seen from the host)"
    else
        fail "exec -d: the process is in the init's cgroups (seen from the host)" "exec'd: $(cat "/proc/$dpid/cgroup" 2>&1 | tr '\n' ' ') init: $(tr '\n' ' ' <"/proc/$pid/cgroup")"
    fi

    # exec --process: the whole process comes from a JSON file (config.md's process object).
    jq '.process | .args = ["/bin/sh", "-c", "echo \"$P|$(pwd)|$(id -u)\""] | .env += ["P=from-json"] | .cwd = "/var" | .user = {uid: 1234, gid: 1234}' \
        "$b/config.json" >"$WORK/exec-process.json"
    ctr_exec "$id" x-process --process "$WORK/exec-process.json" -- 
    expect_eq "exec --process process.json runs that process (args, env, cwd, user)" "from-json|/var|1234" "$(cat "$OUT/x-process.out")" "$(cat "$OUT/x-process.err")"
    # ... from a pipe (runc's tty.bats: `-p <(…)`): any readable file, not only a regular one.
    rt exec --process <(cat "$WORK/exec-process.json") "$id" >"$OUT/x-process-pipe.out" 2>"$OUT/x-process-pipe.err" </dev/null
    expect_eq "exec --process <(…) reads the process from a pipe" "from-json|/var|1234" "$(cat "$OUT/x-process-pipe.out")" \
        "$(cat "$OUT/x-process-pipe.err")"

    # exec -d -t: the process gets a pty whose master is sent to --console-socket (runc
    # takes --console-socket only together with -d).
    if command -v python3 >/dev/null 2>&1; then
        local sock=$WORK/exec-console.sock out=$OUT/x-tty.tty recv i
        console_recv "$sock" "$out" &
        recv=$!
        for ((i = 0; i < 100; i++)); do [ -S "$sock" ] && break; sleep 0.02; done
        ctr_exec "$id" x-tty -d -t --console-socket "$sock" -- /bin/sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty'
        rc=$?
        timeout 10 tail --pid=$recv -f /dev/null 2>/dev/null
        kill $recv 2>/dev/null
        wait $recv 2>/dev/null
        got=$(cat "$out" 2>/dev/null)
        expect_match "exec -d -t --console-socket: the process's stdio is a pty" '^/dev/pts/[0-9]+ all-tty $' "$(tr '\n' ' ' <<<"$got")" "rc=$rc $(cat "$OUT/x-tty.err")"
    else
        skip "exec -t --console-socket" "python3 is needed to receive the console fd"
    fi

    # Stop the init (and the detached exec) by their own hand, then exec must fail.
    ctr_exec "$id" x-stop -- touch /tmp/stop
    if wait_status "$id" stopped 5; then
        ctr_exec "$id" x-stopped -- /bin/true
        expect_fail "exec into a stopped container fails" $? "$(cat "$OUT/x-stopped.err")"
    else
        fail "exec into a stopped container fails" "the container did not stop: $(status_of "$id")"
    fi
    ctr_delete --force "$id"

    ctr_exec "nonexistent-$$" x-unknown -- /bin/true
    expect_fail "exec into an unknown container id fails" $? "$(cat "$OUT/x-unknown.err")"
}
