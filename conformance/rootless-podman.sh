# shellcheck shell=bash
# Rootless podman, as users run it: an unprivileged user with subordinate id ranges runs
# podman 4 (`--cgroup-manager cgroupfs --network none`), which calls the runtime as uid 0
# inside its own user namespace. The runtime must then behave as runc does there: state under
# $XDG_RUNTIME_DIR, device nodes bound rather than made, undelegated cgroups skipped.
#
# The area creates its own user ($ROOTLESS_PODMAN_USER, no subordinate ranges of its own from
# useradd) with the ranges below, and removes the user, its processes and its files at the
# end. Skipped without podman, newuidmap (package uidmap), su or useradd.

ROOTLESS_PODMAN_USER=${ROOTLESS_PODMAN_USER:-ocipodman}
# Far above useradd's automatic ranges (100000 + 65536·n), so no other user shares them.
ROOTLESS_PODMAN_SUBIDS=${ROOTLESS_PODMAN_SUBIDS:-3700000}

# rpm ARGS...: podman as the user, with its stores under $RP_DIR and the runtime under test
rpm() {
    local cmd
    printf -v cmd '%q ' podman --runtime "$RUNTIME" --root "$RP_DIR/store" --runroot "$RP_DIR/run" \
        --tmpdir "$RP_DIR/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"
    timeout -k 5 60 su "$ROOTLESS_PODMAN_USER" -s /bin/sh -c "cd '$RP_DIR' && XDG_RUNTIME_DIR='$RP_DIR/xdg' exec $cmd"
}

# rpm_tty ARGS...: the same under script(1), so podman has a terminal for -t
rpm_tty() {
    local cmd
    printf -v cmd '%q ' podman --runtime "$RUNTIME" --root "$RP_DIR/store" --runroot "$RP_DIR/run" \
        --tmpdir "$RP_DIR/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"
    timeout -k 5 60 su "$ROOTLESS_PODMAN_USER" -s /bin/sh -c \
        "cd '$RP_DIR' && XDG_RUNTIME_DIR='$RP_DIR/xdg' exec script -qec $(printf '%q' "$cmd") /dev/null"
}

rootless_podman_cleanup() {
    rpm rm -af -t 0 >/dev/null 2>&1 </dev/null
    # podman's pause process keeps its user namespace alive between commands: ours to stop.
    local pid i
    for pid in $(cat "$RP_DIR/tmp/pause.pid" "$RP_DIR/xdg/libpod/tmp/pause.pid" 2>/dev/null); do kill "$pid" 2>/dev/null; done
    # userdel refuses while the user has processes; every one of them was started here.
    for ((i = 0; i < 50; i++)); do
        [ -z "$(ps -u "$ROOTLESS_PODMAN_USER" -o pid= 2>/dev/null)" ] && break
        [ $i -eq 25 ] && ps -u "$ROOTLESS_PODMAN_USER" -o pid= | xargs -r kill -9 2>/dev/null
        sleep 0.1
    done
    if grep -q " $RP_DIR/" /proc/self/mountinfo; then
        grep " $RP_DIR/" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
    fi
    userdel -r "$ROOTLESS_PODMAN_USER" >/dev/null 2>&1
    rm -rf "$RP_DIR"
}

rootless_podman_tests() {
    AREA=rootless-podman
    local tool
    for tool in podman newuidmap newgidmap su useradd userdel script; do
        if ! command -v $tool >/dev/null 2>&1; then
            skip "rootless podman" "$tool is not installed"
            return
        fi
    done
    if id "$ROOTLESS_PODMAN_USER" >/dev/null 2>&1; then
        skip "rootless podman" "user $ROOTLESS_PODMAN_USER exists already (left by an earlier run?)"
        return
    fi
    local first=$ROOTLESS_PODMAN_SUBIDS last=$((ROOTLESS_PODMAN_SUBIDS + 65535))
    if ! useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$ROOTLESS_PODMAN_USER" >/dev/null 2>&1 ||
        ! usermod --add-subuids "$first-$last" --add-subgids "$first-$last" "$ROOTLESS_PODMAN_USER" >/dev/null 2>&1; then
        userdel -r "$ROOTLESS_PODMAN_USER" >/dev/null 2>&1
        skip "rootless podman" "cannot create the user $ROOTLESS_PODMAN_USER with subordinate ids"
        return
    fi
    local uid gid
    uid=$(id -u "$ROOTLESS_PODMAN_USER")
    gid=$(id -g "$ROOTLESS_PODMAN_USER")
    RP_DIR=$WORK/rootless-podman
    mkdir -p "$RP_DIR/xdg" "$RP_DIR/store" "$RP_DIR/run" "$RP_DIR/tmp"
    cp -a "$ROOTFS" "$RP_DIR/rootfs"
    chown -R "$uid:$gid" "$RP_DIR"
    chmod 700 "$RP_DIR/xdg"
    if ! su "$ROOTLESS_PODMAN_USER" -s /bin/sh -c "test -x '$RUNTIME'" </dev/null; then
        rootless_podman_cleanup
        skip "rootless podman" "$ROOTLESS_PODMAN_USER cannot execute $RUNTIME"
        return
    fi
    rootless_podman_checks "$uid"
    rootless_podman_cleanup
    if id "$ROOTLESS_PODMAN_USER" >/dev/null 2>&1 || grep -q "^$ROOTLESS_PODMAN_USER:" /etc/subuid; then
        fail "the area removes its user and subordinate ranges" "$(grep "^$ROOTLESS_PODMAN_USER:" /etc/subuid)"
    else
        ok "the area removes its user and subordinate ranges"
    fi
}

rootless_podman_checks() {
    local uid=$1 out=$OUT/rpodman rootfs=$RP_DIR/rootfs rc id name got
    # Modest rlimits: podman's defaults exceed what this host lets even root raise to.
    local run=(run --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

    rpm "${run[@]}" --rm --rootfs "$rootfs" /bin/sh -c 'echo hi; id -u; cat /proc/self/uid_map' >"$out.run" 2>&1 </dev/null
    rc=$?
    got=$(grep -v 'is not a shared mount' "$out.run" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
    expect_eq "run --rm: root inside, podman's map of the user and its subordinate range" \
        "0 hi 0 0 $uid 1 1 $ROOTLESS_PODMAN_SUBIDS 65536" "$rc $got"

    name=rp-$$
    rpm "${run[@]}" -d --name "$name" --rootfs "$rootfs" /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' \
        >"$out.runid" 2>"$out.run-d.err" </dev/null
    rc=$?
    id=$(grep -E '^[0-9a-f]{64}$' "$out.runid")
    if [ $rc -ne 0 ] || [ -z "$id" ]; then
        fail "run -d starts a container and prints its id" "rc=$rc $(cat "$out.runid" "$out.run-d.err")"
        return
    fi
    ok "run -d starts a container and prints its id"
    # podman passes no --root: the runtime picked its default, under $XDG_RUNTIME_DIR.
    got=$(find "$RP_DIR/xdg" -mindepth 2 -maxdepth 2 -type d -name "$id" 2>/dev/null | head -1)
    if [ -n "$got" ] && [ "$(stat -c %u "$got")" = "$uid" ]; then
        ok "the runtime keeps its state under \$XDG_RUNTIME_DIR, owned by the user"
    else
        fail "the runtime keeps its state under \$XDG_RUNTIME_DIR, owned by the user" "found '$got'"
    fi

    rpm exec "$name" /bin/sh -c 'echo exec-ok; id -u' >"$out.exec" 2>&1 </dev/null
    expect_eq "exec runs a process in it, as root inside" "0 exec-ok 0" "$? $(echo $(grep -v 'is not a shared mount' "$out.exec"))"
    rpm_tty exec -t "$name" /bin/sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo is-a-tty' >"$out.exec-t" 2>&1 </dev/null
    rc=$?
    expect_match "exec -t: the process's stdio is a pty" '/dev/pts/[0-9]+ is-a-tty' "$(tr -d '\r\0' <"$out.exec-t" | tr '\n' ' ')" "rc=$rc"

    rpm stop -t 5 "$name" >"$out.stop" 2>&1 </dev/null
    rc=$?
    rpm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name" >"$out.inspect" 2>&1 </dev/null
    expect_eq "stop: SIGTERM reaches the process, which exits 0" "0 exited 0" "$rc $(grep -v 'is not a shared mount' "$out.inspect")" "$(cat "$out.stop")"
    rpm rm "$name" >"$out.rm" 2>&1 </dev/null
    rc=$?
    rpm ps -a --format '{{.Names}}' >"$out.ps-a" 2>&1 </dev/null
    got=$(find "$RP_DIR/xdg" -mindepth 2 -maxdepth 2 -name "$id" 2>/dev/null)
    if [ $rc -eq 0 ] && ! grep -q "$name" "$out.ps-a" && [ -z "$got" ]; then
        ok "rm removes it (podman and the runtime both forget it)"
    else
        fail "rm removes it (podman and the runtime both forget it)" "rc=$rc $(cat "$out.rm") ps -a: $(cat "$out.ps-a") state: $got"
    fi

    rpm_tty "${run[@]}" --rm -it --rootfs "$rootfs" /bin/sh -c 'sleep 1; tty; [ -t 0 ] && [ -t 1 ] && echo is-a-tty' >"$out.run-it" 2>&1 </dev/null
    rc=$?
    # (The sleep lets podman attach before the output: a process that exits at once can lose
    # it with any runtime.)
    expect_match "run -it: the process's stdio is a pty" '/dev/pts/[0-9]+ is-a-tty' "$(tr -d '\r\0' <"$out.run-it" | tr '\n' ' ')" "rc=$rc"

    # keep-id: podman adds a user namespace of its own to the config, mapping the user to itself.
    rpm "${run[@]}" --rm --userns=keep-id --rootfs "$rootfs" /bin/sh -c 'id -u; id -g' >"$out.keep-id" 2>&1 </dev/null
    rc=$?
    expect_eq "run --userns=keep-id: the process runs as the user's own uid and gid" \
        "0 $uid $(id -g "$ROOTLESS_PODMAN_USER")" "$rc $(echo $(grep -v 'is not a shared mount' "$out.keep-id"))"

    rootless_limit_checks "$rootfs"

    rpm rm -af -t 0 >/dev/null 2>&1 </dev/null
    if grep -q " $RP_DIR/" /proc/self/mountinfo; then
        fail "rootless podman left no mounts behind" "$(grep " $RP_DIR/" /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ')"
    else
        ok "rootless podman left no mounts behind"
    fi
}

# Without podman: the same user runs `spec --rootless` bundles itself. No cgroup is delegated
# to it here, so a limit cannot be applied: create must fail naming the controller (runc:
# "cannot set memory limit: container could not join or create cgroup"), never run unlimited.
rootless_limit_checks() {
    local rootfs=$1 dir=$RP_DIR/limits out=$OUT/rpodman-limit rc
    mkdir -p "$dir/state"
    chown -R "$ROOTLESS_PODMAN_USER" "$dir"
    su "$ROOTLESS_PODMAN_USER" -s /bin/sh -c "cd '$dir' && '$RUNTIME' spec --rootless" </dev/null >/dev/null 2>&1
    jq --arg r "$rootfs" '.root = {path: $r, readonly: true} | .process.terminal = false | .process.args = ["/bin/true"]
        | .linux.resources = {memory: {limit: 67108864}}' "$dir/config.json" >"$dir/config.json.new" 2>/dev/null &&
        mv "$dir/config.json.new" "$dir/config.json"
    chown "$ROOTLESS_PODMAN_USER" "$dir/config.json"
    if [ -n "$(find /sys/fs/cgroup -maxdepth 3 -user "$ROOTLESS_PODMAN_USER" 2>/dev/null | head -1)" ]; then
        skip "rootless: a memory limit without a delegated cgroup fails create" "a cgroup is delegated to the user here"
        return
    fi
    timeout -k 3 "$TIMEOUT" su "$ROOTLESS_PODMAN_USER" -s /bin/sh -c "cd '$dir' && exec '$RUNTIME' --root '$dir/state' run rl-limit-$$" \
        >"$out.out" 2>"$out.err" </dev/null
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q memory "$out.err"; then
        ok "rootless: a memory limit without a delegated cgroup fails create, naming the controller"
    else
        fail "rootless: a memory limit without a delegated cgroup fails create, naming the controller" "rc=$rc $(cat "$out.err")"
    fi
    timeout -k 2 5 "$RUNTIME" --root "$dir/state" delete --force "rl-limit-$$" >/dev/null 2>&1 </dev/null
}
