# shellcheck shell=bash
# Acceptance with podman: podman (with conmon) drives the runtime through its runc-compatible
# CLI — create/start/state/kill/delete, exec --process --detach --pid-file, --console-socket
# for -t. Skipped if podman is not installed.
#
# podman keeps its storage and run dirs under $WORK (vfs driver, cgroupfs, file events) and
# runs a busybox rootfs dir (--rootfs), so no image and no network is needed. The runtime
# keeps its default --root: podman 4.3 drops --runtime-flag on `delete`. podman's `run`
# writes a container's output through conmon, so capturing it in a file is safe.

# pm ARGS...: podman with a private store and the runtime under test, under a timeout
pm() {
    timeout -k 5 30 podman --runtime "$RUNTIME" --root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/runroot" \
        --tmpdir "$PODMAN_DIR/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"
}

podman_tests() {
    AREA=podman
    if ! command -v podman >/dev/null 2>&1; then
        skip "podman acceptance" "podman is not installed (apt-get install podman)"
        return
    fi
    PODMAN_DIR=$WORK/podman
    mkdir -p "$PODMAN_DIR"
    local rootfs=$PODMAN_DIR/rootfs out=$OUT/podman rc got name id
    cp -a "$ROOTFS" "$rootfs"
    # podman's default rlimits (NOFILE/NPROC 1048576) can exceed what this host lets even root
    # raise to (no CAP_SYS_RESOURCE in some CI sandboxes): ask for modest ones.
    local run=(run --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

    pm "${run[@]}" --rm --rootfs "$rootfs" /bin/echo hi >"$out.echo" 2>&1 </dev/null
    rc=$?
    expect_eq "podman run --rm --rootfs … echo hi prints hi" "0 hi" "$rc $(cat "$out.echo")"

    pm "${run[@]}" --rm --rootfs "$rootfs" /bin/sh -c 'exit 3' >"$out.exit3" 2>&1 </dev/null
    expect_eq "podman run exits with the container's exit status (3)" 3 $? "$(cat "$out.exit3")"

    # A detached container that exits 0 on SIGTERM, so `stop` shows the signal got through.
    name=conformance-$$
    pm "${run[@]}" -d --name "$name" --rootfs "$rootfs" /bin/sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.1; done' \
        >"$out.runid" 2>"$out.run-d.err" </dev/null
    rc=$?
    id=$(tr -d '\n' <"$out.runid")
    if [ $rc -eq 0 ] && [[ $id =~ ^[0-9a-f]{64}$ ]]; then
        ok "podman run -d starts a container and prints its id"
    else
        fail "podman run -d starts a container and prints its id" "rc=$rc '$id' $(cat "$out.run-d.err")"
        pm rm -f "$name" >/dev/null 2>&1 </dev/null
        return
    fi
    pm ps --format '{{.Names}} {{.Status}}' >"$out.ps" 2>&1 </dev/null
    expect_match "podman ps lists it as running (Up)" "^$name Up" "$(cat "$out.ps")"
    pm exec "$name" /bin/sh -c 'echo exec-ok; hostname' >"$out.exec" 2>&1 </dev/null
    rc=$?
    expect_eq "podman exec runs a process in it" "0 exec-ok ${id:0:12}" "$rc $(echo $(cat "$out.exec"))"
    pm exec "$name" /bin/sh -c 'exit 4' >"$out.exec4" 2>&1 </dev/null
    expect_eq "podman exec exits with the process's exit status (4)" 4 $? "$(cat "$out.exec4")"
    pm top "$name" >"$out.top" 2>&1 </dev/null
    rc=$?
    expect_match "podman top shows the container's processes" 'sh -c echo started' "$rc $(cat "$out.top")"
    local i
    for ((i = 0; i < 50; i++)); do pm logs "$name" >"$out.logs" 2>&1 </dev/null; grep -q started "$out.logs" && break; sleep 0.1; done
    expect_eq "podman logs has its output" started "$(cat "$out.logs")"
    pm stop -t 5 "$name" >"$out.stop" 2>&1 </dev/null
    rc=$?
    pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name" >"$out.inspect" 2>&1 </dev/null
    expect_eq "podman stop: SIGTERM reaches the process, which exits 0" "0 exited 0" "$rc $(cat "$out.inspect")" "$(cat "$out.stop")"
    pm rm "$name" >"$out.rm" 2>&1 </dev/null
    rc=$?
    pm ps -a --format '{{.Names}}' >"$out.ps-a" 2>&1 </dev/null
    if [ $rc -eq 0 ] && ! grep -q "$name" "$out.ps-a" && ! timeout 5 "$RUNTIME" state "$id" >/dev/null 2>&1 </dev/null; then
        ok "podman rm removes it (podman and the runtime both forget it)"
    else
        fail "podman rm removes it (podman and the runtime both forget it)" "rc=$rc $(cat "$out.rm") ps -a: $(cat "$out.ps-a")"
        pm rm -f "$name" >/dev/null 2>&1 </dev/null
    fi

    # -t: script(1) gives podman a terminal; the container's stdio is then a pty.
    if command -v script >/dev/null 2>&1; then
        local cmd
        printf -v cmd '%q ' podman --runtime "$RUNTIME" --root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/runroot" \
            --tmpdir "$PODMAN_DIR/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
            "${run[@]}" --rm -t --rootfs "$rootfs" /bin/sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo is-a-tty'
        timeout -k 5 30 script -qec "$cmd" /dev/null >"$out.tty" 2>&1 </dev/null
        rc=$?
        got=$(tr -d '\r' <"$out.tty")
        expect_match "podman run -t: the process's stdio is a pty" '^/dev/pts/[0-9]+ is-a-tty $' "$(tr '\n' ' ' <<<"$got")" "rc=$rc"
    else
        skip "podman run -t" "script(1) is not installed"
    fi

    # Nothing left behind: no container, no mount under our dirs.
    pm rm -af -t 0 >/dev/null 2>&1 </dev/null
    if grep -q " $PODMAN_DIR/" /proc/self/mountinfo; then
        fail "podman left no mounts behind" "$(grep " $PODMAN_DIR/" /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ')"
        grep " $PODMAN_DIR/" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
    else
        ok "podman left no mounts behind"
    fi
}
