# shellcheck shell=bash
# config-linux.md namespaces, and the container's view of the filesystem (config.md root and
# mounts, config-linux.md devices, maskedPaths, readonlyPaths, runtime-linux.md /dev symlinks).

namespaces_tests() {
    AREA=namespaces
    local t host inside

    run_sh hostname 'hostname; cat /proc/sys/kernel/hostname' '.hostname = "conformance-host"'
    expect_eq "hostname is the configured one (uts namespace)" "conformance-host conformance-host" "$(echo $STDOUT)" "$STDERR"

    run_sh pid1 'echo $$; set -- /proc/[0-9]*; echo $#'
    expect_eq "the container process is PID 1 in its pid namespace" 1 "$(sed -n 1p <<<"$STDOUT")" "$STDERR"
    expect_eq "/proc shows only the container's processes" 1 "$(sed -n 2p <<<"$STDOUT")" "$STDERR"

    run_sh netns 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
    expect_eq "a new network namespace has only lo" lo "$STDOUT" "$STDERR"

    # Each configured namespace is a new one: its inode differs from the host's.
    run_sh nsinodes 'for t in pid net ipc uts mnt cgroup; do echo "$t $(readlink /proc/self/ns/$t)"; done'
    for t in pid net ipc uts mnt cgroup; do
        inside=$(awk -v t=$t '$1 == t {print $2}' <<<"$STDOUT")
        host=$(readlink /proc/self/ns/$t)
        if [ -n "$inside" ] && [ "$inside" != "$host" ]; then ok "$t namespace is new"; else fail "$t namespace is new" "inside=$inside host=$host; $STDERR"; fi
    done

    # A namespace left out of the config is shared with the runtime's caller.
    run_sh no-ipcns 'readlink /proc/self/ns/ipc' '.linux.namespaces |= map(select(.type != "ipc"))'
    expect_eq "without an ipc namespace entry the host's ipc namespace is used" "$(readlink /proc/self/ns/ipc)" "$STDOUT" "$STDERR"
    run_sh no-utsns 'hostname' '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname)'
    expect_eq "without a uts namespace the hostname is the host's" "$(hostname)" "$STDOUT" "$STDERR"
    run_sh no-netns 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\n" " "' \
        '.linux.namespaces |= map(select(.type != "network")) | .mounts |= map(select(.type != "sysfs"))'
    expect_eq "without a network namespace the host's interfaces are visible" \
        "$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')" "$STDOUT" "$STDERR"
    # In the host's pid namespace a container that may not mount a procfs of its own (rootless)
    # binds the host's /proc instead (runc's start_hello.bats): a procfs's root is allowed there.
    run_sh host-proc 'test -d /proc/1 && echo host-pid-1; cat /proc/self/stat | cut -d" " -f2' \
        '.linux.namespaces |= map(select(.type != "pid"))
         | .mounts |= map((select(.type == "proc") | .type = "none" | .source = "/proc"
                           | .options = ["rbind", "nosuid", "nodev", "noexec"]) // .)'
    expect_eq "without a pid namespace the host's /proc may be bound on /proc" "host-pid-1 (cat)" \
        "$(echo $STDOUT)" "$STDERR"

    # namespaces[].path: join an existing namespace (here: another container's network ns).
    local b id pid
    b=$(mkbundle ns-owner '.process.args = ["/bin/sleep", "30"]')
    id=$(new_id ns-owner)
    ctr_create "$id" "$b"
    pid=$(pid_of "$id")
    run_sh ns-join 'readlink /proc/self/ns/net; readlink /proc/self/ns/uts' \
        '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "/proc/$pid/ns/net"
    local want_net want_uts
    want_net=$(readlink "/proc/$pid/ns/net")
    want_uts=$(readlink "/proc/$pid/ns/uts")
    if [ -n "$want_net" ] && [ "$want_net" = "$(sed -n 1p <<<"$STDOUT")" ]; then
        ok "namespaces[].path joins that namespace"
    else
        fail "namespaces[].path joins that namespace" "want '$want_net', got '$STDOUT'; $STDERR"
    fi
    if [ -n "$want_uts" ] && [ -n "$(sed -n 2p <<<"$STDOUT")" ] && [ "$want_uts" != "$(sed -n 2p <<<"$STDOUT")" ]; then
        ok "joining one namespace does not join the others"
    else
        fail "joining one namespace does not join the others" "owner uts '$want_uts', joiner '$(sed -n 2p <<<"$STDOUT")'"
    fi
    ctr_delete --force "$id"

    # A mount or uts namespace joined by path gets what a new one would: the config's mounts
    # (config.md: the runtime MUST mount the entries) and the hostname, made in it. The
    # namespaces are unshare(1)'s, kept on files on a private bind mount.
    local nsdir=$WORK/nsfiles
    mkdir -p "$nsdir"
    mount --bind "$nsdir" "$nsdir" && mount --make-private "$nsdir"
    touch "$nsdir/mnt" "$nsdir/uts"
    if unshare --mount="$nsdir/mnt" --uts="$nsdir/uts" true; then
        run_sh mnt-join 'readlink /proc/self/ns/mnt; readlink /proc/self/ns/uts; hostname; ls /proc/self/status; ls -d /dev/pts' \
            '.linux.namespaces |= map(if .type == "mount" then .path = $m elif .type == "uts" then .path = $u else . end)
             | .hostname = "joined-uts"' --arg m "$nsdir/mnt" --arg u "$nsdir/uts"
        expect_eq "a mount namespace joined by path is the process's" "mnt:[$(stat -L -c %i "$nsdir/mnt")]" \
            "$(sed -n 1p <<<"$STDOUT")" "$STDERR"
        expect_eq "a uts namespace joined by path is the process's" "uts:[$(stat -L -c %i "$nsdir/uts")]" \
            "$(sed -n 2p <<<"$STDOUT")" "$STDERR"
        expect_eq "the hostname is set in a joined uts namespace" joined-uts "$(sed -n 3p <<<"$STDOUT")" "$STDERR"
        expect_eq "the config's mounts are made in a joined mount namespace (proc, devpts)" \
            "/proc/self/status /dev/pts" "$(sed -n 4,5p <<<"$STDOUT" | tr '\n' ' ' | sed 's/ $//')" "$STDERR"
        if grep -qF " $ROOTFS" /proc/self/mountinfo; then
            fail "nothing is mounted in the host's namespace for a joined one" "$(grep -F " $ROOTFS" /proc/self/mountinfo | head -3)"
        else
            ok "nothing is mounted in the host's namespace for a joined one"
        fi
        umount "$nsdir/mnt" "$nsdir/uts"
    else
        skip "namespaces joined by path: mount, uts" "unshare --mount=FILE failed"
    fi
    umount "$nsdir"

    # User namespace: uid/gid mappings (rootfs owned by the mapped root).
    local ub=$WORK/userns
    mkdir -p "$ub"
    echo 100000:100000 >"$ub/.rootfs-owner"
    "$REPO_DIR/bundles/mkrootfs.sh" "$ub"
    jq '.root.path = "rootfs"
        | .process.args = ["/bin/sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map | tr -s \" \" | sed \"s/^ //\"; stat -c %u /bin/busybox"]
        | .linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]' "$BASE_CONFIG" >"$ub/config.json"
    id=$(new_id userns)
    ctr_run "$id" "$ub"
    STDOUT=$(cat "$OUT/$id.out")
    expect_eq "user namespace: uid_map and gid_map are the configured mappings" \
        "0 100000 65536|0 100000 65536" "$(sed -n 3p <<<"$STDOUT")|$(sed -n 4p <<<"$STDOUT")" "$(cat "$OUT/$id.err")"
    expect_eq "user namespace: the process is root inside, host-owned files map to 0" "0 0 0" \
        "$(sed -n '1p;2p;5p' <<<"$STDOUT" | tr '\n' ' ' | sed 's/ $//')" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"

    # ... with `runc spec`'s cgroup mount: the container's own cgroups, bound read-only (on a
    # v1 or hybrid host some exist only once create is under way).
    jq '.process.args = ["/bin/sh", "-c", "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null"]
        | .linux.resources.pids.limit = 42
        | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]' \
        "$ub/config.json" >"$ub/config.json.new" && mv "$ub/config.json.new" "$ub/config.json"
    id=$(new_id userns-cg)
    ctr_run "$id" "$ub"
    expect_eq "user namespace: a cgroup mount shows the container's own cgroup (pids.max)" 42 "$(cat "$OUT/$id.out")" \
        "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"
}

filesystem_tests() {
    AREA=filesystem
    local b id hostdir

    run_sh rootfs 'cat /rootfs-marker; test -e "$HM" && echo host-visible || echo host-hidden' '.process.env += ["HM=" + $hm]' --arg hm "$HOST_MARKER"
    expect_eq "/ is the bundle's root filesystem" conformance-rootfs "$(sed -n 1p <<<"$STDOUT")" "$STDERR"
    expect_eq "host files are not visible inside" host-hidden "$(sed -n 2p <<<"$STDOUT")"

    run_sh ro-root 'touch /rw-test 2>/dev/null && echo writable || echo refused'
    expect_eq "root.readonly true: the root filesystem is not writable" refused "$STDOUT" "$STDERR"
    local f=rw-test-$$
    run_sh rw-root "touch /$f && echo writable" '.root.readonly = false'
    if [ "$STDOUT" = writable ] && [ -e "$ROOTFS/$f" ]; then ok "root.readonly false: writes land in the bundle's rootfs"; else fail "root.readonly false: writes land in the bundle's rootfs" "$STDOUT $STDERR"; fi
    rm -f "$ROOTFS/$f"

    # Mounts: bind mounts of a host directory.
    hostdir=$WORK/hostdir
    mkdir -p "$hostdir"
    echo from-host >"$hostdir/file"
    run_sh bind 'cat /data/file; echo from-container >/data/new && echo wrote; echo x >/ro/x 2>/dev/null && echo ro-writable || echo ro-refused' \
        '.mounts += [{destination: "/data", type: "bind", source: $d, options: ["rbind", "rw"]},
                     {destination: "/ro", type: "bind", source: $d, options: ["rbind", "ro"]}]' --arg d "$hostdir"
    expect_eq "bind mount: host file readable inside" from-host "$(sed -n 1p <<<"$STDOUT")" "$STDERR"
    expect_eq "bind mount rw: writes are visible on the host" from-container "$(cat "$hostdir/new" 2>&1)" "$STDOUT $STDERR"
    expect_eq "bind mount with ro is not writable" ro-refused "$(sed -n 3p <<<"$STDOUT")" "$STDOUT"

    # config.md: the runtime MUST mount entries in the listed order (the later mount wins).
    run_sh mount-order 'cat /data/file 2>&1' \
        '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
                     {destination: "/data", type: "bind", source: $d, options: ["rbind", "ro"]}]' --arg d "$hostdir"
    expect_eq "mounts are applied in the listed order" from-host "$STDOUT" "$STDERR"

    run_sh mount-opts 'grep " /cmnt " /proc/self/mountinfo; echo x >/cmnt/x 2>/dev/null && echo writable || echo refused' \
        '.mounts += [{destination: "/cmnt", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "noexec", "ro", "size=1m"]}]'
    expect_match "mount options (ro,nosuid,nodev,noexec) are applied" '^/cmnt ro,nosuid,nodev,noexec' "$(sed -n 1p <<<"$STDOUT" | cut -d' ' -f5,6)" "$STDERR"
    expect_eq "a tmpfs mounted ro is not writable" refused "$(sed -n 2p <<<"$STDOUT")" "$STDOUT"

    # mountinfo: "... mountpoint options [optional fields] - fstype source superoptions"
    local mi='awk '"'"'{ for (i = 7; i <= NF; i++) if ($i == "-") { print $5, $(i + 1), $6; break } }'"'"' /proc/self/mountinfo'
    run_sh std-mounts "$mi"
    expect_match "/proc is a proc filesystem" '^/proc proc ' "$STDOUT" "$STDERR"
    expect_match "/sys is sysfs, read-only as configured" '^/sys sysfs ro' "$STDOUT"
    expect_eq "/dev is a tmpfs and /dev/pts a devpts filesystem" '/dev tmpfs|/dev/pts devpts|' "$(grep -E '^/dev(/pts)? ' <<<"$STDOUT" | cut -d' ' -f1,2 | sort | tr '\n' '|')"
    expect_eq "/dev/shm (tmpfs) and /dev/mqueue (mqueue) are mounted" "/dev/mqueue mqueue|/dev/shm tmpfs|" "$(grep -E '^/dev/(shm|mqueue) ' <<<"$STDOUT" | cut -d' ' -f1,2 | sort | tr '\n' '|')"

    # Mounts made for the container live in its mount namespace only.
    b=$(mkbundle mntns '.process.args = ["/bin/sleep", "30"] | .mounts += [{destination: "/cmnt", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]')
    id=$(new_id mntns)
    ctr_create "$id" "$b"
    if [ "$(status_of "$id")" = created ] && ! grep -q -- "$ROOTFS" /proc/self/mountinfo; then
        ok "container mounts do not appear in the host's mount table"
    else
        fail "container mounts do not appear in the host's mount table" "$(grep -- "$ROOTFS" /proc/self/mountinfo | head -3) $(cat "$OUT/$id.err")"
    fi
    ctr_delete --force "$id"

    # Default devices (config-linux.md): type, major:minor (hex, as stat prints them).
    run_sh devices 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done; ls /dev; echo x >/dev/null && echo null-ok; head -c 4 /dev/zero | wc -c'
    local want="/dev/null character special file 1:3
/dev/zero character special file 1:5
/dev/full character special file 1:7
/dev/random character special file 1:8
/dev/urandom character special file 1:9
/dev/tty character special file 5:0"
    expect_eq "default devices exist with the right type and numbers" "$want" "$(grep '^/dev/' <<<"$STDOUT")" "$STDERR"
    expect_match "/dev/null is writable and /dev/zero readable" 'null-ok' "$STDOUT"
    local listing
    listing=$(grep -v -e '^/dev/' -e null-ok -e '^4$' <<<"$STDOUT")
    if grep -qx null <<<"$listing" && ! grep -Eq '^(sd[a-z]|vd[a-z]|xvd[a-z]|nvme|hd[a-z]|loop|dm-|mmcblk)' <<<"$listing"; then
        ok "no host block devices in /dev"
    else
        fail "no host block devices in /dev" "$(echo $listing)"
    fi

    run_sh devlinks 'for l in fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done; test -e /dev/ptmx && echo ptmx; test -d /dev/pts && echo pts'
    expect_eq "/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr link to /proc/self/fd" \
        "fd /proc/self/fd stdin /proc/self/fd/0 stdout /proc/self/fd/1 stderr /proc/self/fd/2" "$(grep -E '^(fd|std)' <<<"$STDOUT" | tr '\n' ' ' | sed 's/ $//')" "$STDERR"
    expect_eq "/dev/ptmx and /dev/pts exist" "ptmx pts" "$(grep -E '^(ptmx|pts)$' <<<"$STDOUT" | tr '\n' ' ' | sed 's/ $//')"

    run_sh linux-devices 'stat -c "%F %t:%T %a %u %g" /dev/fuse /dev/xblk' \
        '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 432, uid: 0, gid: 0},
                           {path: "/dev/xblk", type: "b", major: 7, minor: 200, fileMode: 384, uid: 0, gid: 0}]'
    expect_eq "linux.devices are created with type, numbers, mode and owner" \
        "character special file a:e5 660 0 0|block special file 7:c8 600 0 0" "$(tr '\n' '|' <<<"$STDOUT" | sed 's/|$//')" "$STDERR"

    # maskedPaths: the paths cannot be read; readonlyPaths: cannot be written.
    # /proc/timer_list and /sys/firmware are in hello's maskedPaths and have content on a host.
    run_sh masked 'head -c 16 /proc/timer_list 2>/dev/null | wc -c; ls -A /sys/firmware 2>/dev/null | wc -l; cat /masked-file 2>/dev/null | wc -c; ls -A /masked-dir 2>/dev/null | wc -l' \
        '.linux.maskedPaths += ["/masked-file", "/masked-dir"]'
    if [ -r /proc/timer_list ]; then
        expect_eq "maskedPaths: /proc/timer_list reads nothing" 0 "$(sed -n 1p <<<"$STDOUT" | tr -d ' ')" "$STDERR"
    else
        skip "maskedPaths: /proc/timer_list reads nothing" "no /proc/timer_list on this host"
    fi
    if [ -n "$(ls -A /sys/firmware 2>/dev/null)" ]; then
        expect_eq "maskedPaths: /sys/firmware is empty" 0 "$(sed -n 2p <<<"$STDOUT" | tr -d ' ')" "$STDERR"
    else
        skip "maskedPaths: /sys/firmware is empty" "empty on this host too"
    fi
    expect_eq "maskedPaths: a masked file and directory from the rootfs show no content" "0 0" "$(sed -n '3,4p' <<<"$STDOUT" | tr -d ' ' | tr '\n' ' ' | sed 's/ $//')" "$STDERR"

    # CAP_NET_ADMIN so that /proc/sys/net would be writable if it were not read-only.
    run_sh readonly-control 'echo 1 >/proc/sys/net/ipv4/ip_forward && echo procsys-writable' \
        '.linux.readonlyPaths = [] | .process.capabilities |= map_values(. + ["CAP_NET_ADMIN"])'
    expect_eq "without readonlyPaths /proc/sys/net is writable (control for the next check)" procsys-writable "$STDOUT" "$STDERR"
    run_sh readonly 'echo 1 >/proc/sys/net/ipv4/ip_forward 2>/dev/null && echo procsys-writable; echo x >/data/x 2>/dev/null && echo data-writable; echo done' \
        '.mounts += [{destination: "/data", type: "bind", source: $d, options: ["rbind", "rw"]}] | .linux.readonlyPaths += ["/data"]
         | .process.capabilities |= map_values(. + ["CAP_NET_ADMIN"])' --arg d "$hostdir"
    expect_eq "readonlyPaths: /proc/sys and a rw bind mount listed there are read-only" "done" "$STDOUT" "$STDERR"
}
