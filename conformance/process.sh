# shellcheck shell=bash
# config.md process: args, env, cwd, user, rlimits, oomScoreAdj, umask; config-linux.md
# sysctl; and the security settings: capabilities, noNewPrivileges, seccomp.

# cpus_allowed PID|self: the CPU list of a process's affinity mask
cpus_allowed() { sed -n 's/^Cpus_allowed_list:\t//p' "/proc/$1/status"; }

process_tests() {
    AREA=process
    local b id

    b=$(mkbundle args '.process.args = ["/bin/printf", "[%s]", "two words", "$HOME", "*", ""]')
    id=$(new_id args)
    ctr_run "$id" "$b"
    expect_eq "args are passed verbatim (no shell expansion, empty args kept)" '[two words][$HOME][*][]' "$(cat "$OUT/$id.out")" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"

    b=$(mkbundle path-lookup '.process.args = ["echo", "found-via-PATH"]')
    id=$(new_id path-lookup)
    ctr_run "$id" "$b"
    expect_eq "a relative args[0] is looked up in the process's PATH" found-via-PATH "$(cat "$OUT/$id.out")" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"

    run_sh env 'echo "$FOO|$EMPTY|${UNSET-unset}|$WITH_EQ"' '.process.env += ["FOO=bar baz", "EMPTY=", "WITH_EQ=a=b"]'
    expect_eq "process.env reaches the process exactly" 'bar baz||unset|a=b' "$STDOUT" "$STDERR"
    CONFORMANCE_LEAK=leaked run_sh env-leak 'echo "${CONFORMANCE_LEAK-absent}"'
    expect_eq "the runtime's own environment does not leak into the process" absent "$STDOUT" "$STDERR"

    run_sh cwd 'pwd' '.process.cwd = "/etc"'
    expect_eq "process.cwd is the working directory" /etc "$STDOUT" "$STDERR"

    run_sh user 'id -u; id -g; id -G | tr " " "\n" | sort -n | tr "\n" " "' \
        '.process.user = {uid: 1000, gid: 1001, additionalGids: [5, 1002]}'
    expect_eq "process.user uid and gid" "1000 1001" "$(sed -n '1,2p' <<<"$STDOUT" | tr '\n' ' ' | sed 's/ $//')" "$STDERR"
    expect_eq "process.user.additionalGids are the supplementary groups" "5 1001 1002 " "$(sed -n 3p <<<"$STDOUT")"

    run_sh umask 'umask' '.process.user.umask = 63'
    expect_eq "process.user.umask is applied" 0077 "$STDOUT" "$STDERR"

    run_sh rlimits 'ulimit -Sn; ulimit -Hn' '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 768}]'
    expect_eq "rlimits: RLIMIT_NOFILE soft and hard" "512 768" "$(echo $STDOUT)" "$STDERR"

    run_sh oom-score 'cat /proc/self/oom_score_adj' '.process.oomScoreAdj = 123'
    expect_eq "process.oomScoreAdj is written to oom_score_adj" 123 "$STDOUT" "$STDERR"

    # The init starts with the CPU mask of whoever ran the runtime (as under runc and crun;
    # execCPUAffinity is what changes it). Ours starts stage 0 on the other CPUs of that mask
    # for a moment (Sources/CShim/spawn.c): the whole mask must be back before the init exists.
    b=$(mkbundle affinity "$ARGS_SH" --arg s 'sed -n "s/^Cpus_allowed_list:\t//p" /proc/self/status')
    # A few times each: a mask given back too early came out narrowed now and then.
    local mask want got i
    for mask in "$(cpus_allowed self)" 0; do
        want=$(taskset -pc "$mask" "$BASHPID" >/dev/null && cpus_allowed "$BASHPID")
        got=
        for i in 1 2 3 4 5; do
            id=$(new_id affinity)
            (taskset -pc "$mask" "$BASHPID" >/dev/null && ctr_run "$id" "$b")
            got+="$(cat "$OUT/$id.out" "$OUT/$id.err") "
            ctr_delete --force "$id"
        done
        expect_eq "the process starts with the CPU mask the runtime ran with ($mask), 5 runs" "$want $want $want $want $want " "$got"
    done

    # The container asks for the opposite of the host's ip_forward (callers such as podman's
    # networks turn it on for the host), so a value leaking out would show either way.
    local host_sysctls forward
    host_sysctls=$(cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname)
    forward=$((1 - ${host_sysctls%%$'\n'*}))  # the first line: ip_forward, read once
    run_sh sysctl 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname' \
        '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.domainname": "conformance.example"}' --arg f "$forward"
    expect_eq "linux.sysctl values are set in the container's namespaces" "$forward conformance.example" "$(echo $STDOUT)" "$STDERR"
    expect_eq "linux.sysctl does not change the host" "$(echo $host_sysctls)" \
        "$(echo $(cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname))"

    AREA=security
    # The hello bundle's capability sets are AUDIT_WRITE(29), KILL(5), NET_BIND_SERVICE(10).
    # (Its ambient list cannot take effect: the kernel only raises an ambient capability
    # that is also inheritable, and hello's inheritable set is empty.)
    local caps='grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status | tr -d "\t" | tr "\n" " "'
    run_sh caps "$caps"
    expect_eq "capabilities: bounding, permitted, effective sets are exact; inheritable empty" \
        "CapInh:0000000000000000 CapPrm:0000000020000420 CapEff:0000000020000420 CapBnd:0000000020000420" \
        "$(sed 's/ CapAmb:[0-9a-f]*//; s/ $//' <<<"$STDOUT")" "$STDERR"
    run_sh caps-ambient "$caps" '.process.user = {uid: 1000, gid: 1000} | .process.capabilities.inheritable = .process.capabilities.bounding'
    expect_eq "capabilities: a non-root process keeps inheritable+ambient capabilities across exec" \
        "CapInh:0000000020000420 CapPrm:0000000020000420 CapEff:0000000020000420 CapBnd:0000000020000420 CapAmb:0000000020000420 " \
        "$STDOUT" "$STDERR"
    run_sh no-chown 'touch /dev/shm/f && chown 1 /dev/shm/f 2>/dev/null && echo chowned; echo done'
    expect_eq "a capability left out (CAP_CHOWN) is not usable" "done" "$STDOUT" "$STDERR"
    run_sh chown 'touch /dev/shm/f && chown 1 /dev/shm/f 2>/dev/null && echo chowned' \
        '.process.capabilities |= map_values(. + ["CAP_CHOWN"])'
    expect_eq "a capability granted (CAP_CHOWN) is usable" chowned "$STDOUT" "$STDERR"

    run_sh nnp 'grep NoNewPrivs /proc/self/status | tr -d "\t "'
    expect_eq "noNewPrivileges true sets no_new_privs" NoNewPrivs:1 "$STDOUT" "$STDERR"
    run_sh nnp-off 'grep NoNewPrivs /proc/self/status | tr -d "\t "' '.process.noNewPrivileges = false'
    expect_eq "noNewPrivileges false leaves no_new_privs unset" NoNewPrivs:0 "$STDOUT" "$STDERR"

    run_sh seccomp 'mkdir /dev/shm/d 2>&1; touch /dev/shm/f && echo touch-ok; grep "^Seccomp:" /proc/self/status | tr -d "\t "' \
        '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13}]}'
    expect_match "seccomp: a denied syscall fails with its errnoRet (EACCES)" 'Permission denied' "$(sed -n 1p <<<"$STDOUT")" "$STDERR"
    expect_eq "seccomp: other syscalls still work and the filter mode is on" "touch-ok Seccomp:2" "$(sed -n '2,3p' <<<"$STDOUT" | tr '\n' ' ' | sed 's/ $//')" "$STDERR"
    # Argument conditions: deny chmod only for mode 0700 (chmod: arg 1, fchmodat: arg 2).
    # Without errnoRet the errno is EPERM.
    run_sh seccomp-args 'touch /dev/shm/f; chmod 700 /dev/shm/f 2>&1; chmod 755 /dev/shm/f && echo mode-755-ok' \
        '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [
            {names: ["chmod"], action: "SCMP_ACT_ERRNO", args: [{index: 1, value: 448, op: "SCMP_CMP_EQ"}]},
            {names: ["fchmodat"], action: "SCMP_ACT_ERRNO", args: [{index: 2, value: 448, op: "SCMP_CMP_EQ"}]}]}'
    expect_eq "seccomp: argument conditions select calls; errno defaults to EPERM" \
        "Operation not permitted|mode-755-ok" "$(sed -n 1p <<<"$STDOUT" | grep -o 'Operation not permitted')|$(sed -n 2p <<<"$STDOUT")" "$STDOUT $STDERR"
}

