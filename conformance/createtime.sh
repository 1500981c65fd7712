# shellcheck shell=bash
# What the init does before it reports ready, and when: failures reported by `create`
# (naming the field), loopback up in a new network namespace, stdio handed to a non-root
# user, a read-only /dev that still gets its nodes, and poststart after the exec.

createtime_tests() {
    AREA=createtime
    local bundle id rc out dir

    # An rlimit the kernel refuses fails create, not the container after start.
    bundle=$(mkbundle ct-rlimit '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 1099511627776, "soft": 1024}]')
    id=$(new_id ct-rlimit)
    ctr_create "$id" "$bundle"
    rc=$?
    expect_fail "an rlimit above the host's hard limit fails create" $rc
    expect_eq "a failed create leaves no state" "" "$(state_dir_entries)"
    expect_eq "a failed create leaves no runtime process" 0 "$(runtime_procs)"
    if ! ct_is_runc; then
        expect_match "the error names the config field" '^(runtime: )?config\.json: process\.rlimits\[0\] \(RLIMIT_NOFILE\): setrlimit' "$(head -1 "$OUT/$id.err")"
    fi
    [ $rc -eq 0 ] && ctr_delete --force "$id"

    # A new network namespace has `lo` up (runc, crun): 127.0.0.1 is reachable.
    run_sh ct-lo 'cat /sys/class/net/lo/flags'
    expect_eq "lo is up in a new network namespace (IFF_UP|IFF_LOOPBACK)" 0x9 "$STDOUT" "$STDERR"

    # A non-root process can write to its stdio (runc's fixStdioPermissions).
    run_sh ct-stdio 'echo to-stderr >/dev/stderr && echo ok' '.process.user = {"uid": 1000, "gid": 1000}'
    expect_eq "a non-root user writes to /dev/stderr" ok "$STDOUT" "$STDERR"

    # A read-only /dev tmpfs still gets its device nodes and mounts, then is read-only.
    run_sh ct-rodev 'test -c /dev/null && test -d /dev/pts && ! touch /dev/x 2>/dev/null && echo ok' \
        '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
    expect_eq "a read-only /dev has its nodes and /dev/pts and is read-only" ok "$STDOUT" "$STDERR"

    # A container in a user namespace binds a volume whose parent its root cannot search
    # (kubelet's 0750 volume directories): the runtime opens the source before the child
    # enters the user namespace.
    dir=$WORK/ct-userns
    mkdir -p "$dir" "$WORK/ct-private/vol"
    echo 100000:100000 >"$dir/.rootfs-owner"
    "$REPO_DIR/bundles/mkrootfs.sh" "$dir" >/dev/null
    echo visible >"$WORK/ct-private/vol/file"
    chmod 700 "$WORK/ct-private"
    jq --arg v "$WORK/ct-private/vol" '.root.path = "rootfs" | .process.args = ["cat", "/vol/file"]
        | .linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .mounts += [{destination: "/vol", type: "bind", source: $v, options: ["rbind", "ro"]}]' "$BASE_CONFIG" >"$dir/config.json"
    id=$(new_id ct-userns-bind)
    ctr_run "$id" "$dir"
    expect_eq "user namespace: a bind source under a directory its root cannot search" visible "$(cat "$OUT/$id.out")" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"

    # config.md: createContainer hooks run in the container's mount namespace after its mounts
    # and before pivot_root, so a host path still resolves there (runtime.md step 7).
    dir=$WORK/ct-cc
    mkdir -p "$dir"
    printf '#!/bin/sh\nif [ -e %s ] && [ -e %s/rootfs-marker ]; then echo pre-pivot >%s/cc; else echo other >%s/cc; fi\n' \
        "$HOST_MARKER" "$ROOTFS" "$dir" "$dir" >"$dir/hook.sh"
    chmod 755 "$dir/hook.sh"
    bundle=$(mkbundle ct-cc '.process.args = ["true"] | .hooks = {"createContainer": [{"path": $h}]}' --arg h "$dir/hook.sh")
    id=$(new_id ct-cc)
    ctr_create "$id" "$bundle"
    expect_eq "createContainer runs before pivot_root (host paths resolve)" pre-pivot "$(cat "$dir/cc" 2>/dev/null)" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"

    # rootfsPropagation "unbindable": "/" private while the rootfs is bound, then unbindable.
    # (runc 1.1 makes "/" unbindable first and then cannot bind the rootfs: EINVAL.)
    if ct_is_runc; then
        skip "rootfsPropagation unbindable" "runc 1.1 fails to bind the rootfs (EINVAL); config-linux.md lists the value"
    else
        run_sh ct-unbindable 'awk '"'"'$5 == "/"'"'"' /proc/self/mountinfo' '.linux.rootfsPropagation = "unbindable"'
        expect_match "rootfsPropagation unbindable: the container starts with an unbindable /" 'unbindable' "$STDOUT" "$STDERR"
    fi

    # proc must be mounted on an ordinary directory: an image whose /proc is a symlink is
    # refused (runc: "must be mounted on ordinary directory"), not followed.
    dir=$WORK/ct-procsym
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -a "$ROOTFS" "$dir/rootfs"
    rm -rf "$dir/rootfs/proc"
    ln -s /mnt "$dir/rootfs/proc"
    bundle=$(mkbundle ct-procsym '.root.path = $r' --arg r "$dir/rootfs")
    id=$(new_id ct-procsym)
    ctr_create "$id" "$bundle"
    rc=$?
    expect_fail "an image whose /proc is a symlink is refused" $rc
    expect_eq "… and nothing is left" "" "$(state_dir_entries)"
    [ $rc -eq 0 ] && ctr_delete --force "$id"

    # Started as uid 0 of a user namespace with no mount privilege on the host (`unshare -Ur`):
    # the read-only image cannot be a detached mount, so it is a sealed memfd copy; setgroups
    # is denied there, so the container's namespace denies it too.
    if ct_is_runc; then
        skip "a runtime inside unshare -Ur runs a rootless bundle" "runc 1.1 cannot setns back to the host's mount namespace there"
    elif command -v unshare >/dev/null 2>&1; then
        dir=$WORK/ct-unshare
        mkdir -p "$dir/b"
        cp -a "$ROOTFS" "$dir/b/rootfs"
        (cd "$dir/b" && "$RUNTIME" spec --rootless) >/dev/null 2>&1
        jq '.process.terminal = false | .process.args = ["sh", "-c", "echo inside"]' "$dir/b/config.json" >"$dir/c.json" &&
            mv "$dir/c.json" "$dir/b/config.json"
        out=$(timeout -k 3 "$TIMEOUT" unshare -Ur "$RUNTIME" --root "$dir/state" run -b "$dir/b" "ct-unshare-$$" 2>&1 </dev/null)
        expect_eq "a runtime inside unshare -Ur runs a rootless bundle (sealed copy of its image)" inside "$out"
    fi

    # `kill TERM` right after `start` reaches the handler the process installs first thing
    # (runtime-tools' killsig), even under a seccomp profile that denies close_range: start
    # returns once the program has been exec'd, with no 65k-iteration fd loop or seccomp
    # set-up left between it and the program.
    local x=$WORK/ct-killsig
    mkdir -p "$x"
    bundle=$(mkbundle ct-killsig "$ARGS_SH"' | .mounts += [{destination: "/x", type: "bind", source: $x, options: ["rbind", "rw"]}]
        | .process.noNewPrivileges = false
        | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["close_range"], action: "SCMP_ACT_ERRNO"}]}' \
        --arg s 'trap "echo got-term >/x/term; exit 0" TERM; while :; do sleep 0.05; done' --arg x "$x")
    id=$(new_id ct-killsig)
    ctr_create "$id" "$bundle" && ctr_start "$id" && ctr_kill "$id" TERM
    wait_file "$x/term" 5
    expect_eq "kill TERM right after start reaches the process's handler" got-term "$(cat "$x/term" 2>/dev/null)" "$(cat "$OUT/$id.kill" 2>/dev/null)"
    ctr_delete --force "$id"

    # config.md: poststart hooks MUST be called after the user-specified process is executed.
    if ct_is_runc; then
        skip "poststart sees the exec'd process" "runc 1.1 runs poststart before the exec (runtime-spec config.md: MUST be after)"
    else
        dir=$WORK/ct-poststart
        mkdir -p "$dir"
        printf '#!/bin/sh\npid=$(sed -n '"'"'s/.*"pid": *\\([0-9]*\\).*/\\1/p'"'"')\nreadlink /proc/$pid/exe >%s/exe\n' "$dir" >"$dir/hook.sh"
        chmod 755 "$dir/hook.sh"
        bundle=$(mkbundle ct-poststart '.process.args = ["sleep", "5"] | .hooks = {"poststart": [{"path": $h}]}' --arg h "$dir/hook.sh")
        id=$(new_id ct-poststart)
        ctr_create "$id" "$bundle" && ctr_start "$id"
        expect_match "poststart sees the exec'd process, not the runtime" 'busybox|sleep' "$(cat "$dir/exe" 2>/dev/null)"
        ctr_delete --force "$id"
    fi
}

ct_is_runc() { "$RUNTIME" --version 2>/dev/null | grep -q '^runc'; }
