# shellcheck shell=bash
# Requests the runtime must refuse, or honour exactly, instead of doing something else:
# delete of a container that is not stopped, a root.path that cannot be the root without a
# mount namespace, a terminal with nothing to relay it to, an empty container id; and /dev/core
# only where the host has /proc/kcore. Uses runtime_is_runc from hook-errors.sh.

refusals_tests() {
    AREA=refusals
    local b id rc pid before

    # runtime.md "delete": "Attempting to delete a container that is not stopped MUST generate
    # an error." runc 1.1 deletes a created container (killing its init): skipped for runc.
    b=$(mkbundle refuse-delete '.process.args = ["/bin/true"]')
    id=$(new_id refuse-delete)
    ctr_create "$id" "$b"
    pid=$(pid_of "$id")
    if runtime_is_runc; then
        skip "delete without --force of a created container fails and leaves it" "runc deletes created containers"
    else
        ctr_delete "$id"
        rc=$?
        expect_eq "delete without --force of a created container fails and leaves it created" "1 created yes" \
            "$([ $rc -ne 0 ] && echo 1 || echo 0) $(status_of "$id") $(kill -0 "$pid" 2>/dev/null && echo yes || echo no)" "$(cat "$OUT/$id.delete")"
    fi
    ctr_delete --force "$id"
    expect_eq "delete --force of a created container removes it" "" "$(state_json "$id")"

    # No new mount namespace: there is no pivot_root; root.path must still be the process's
    # root (ours: chroot) or the config is refused — never run on the host's root.
    # A rootfs of its own: runc 1.1 bind-mounts root.path onto itself in the host's mount
    # namespace before it fails, and that mount is undone here.
    local nomnt_root=$WORK/nomnt-rootfs
    cp -a "$ROOTFS" "$nomnt_root"
    b=$(mkbundle refuse-nomnt '.root.path = $r | .process.args = ["/bin/sh", "-c", "cat /rootfs-marker"]
        | .linux.namespaces |= map(select(.type != "mount")) | .mounts = [] | .linux.maskedPaths = [] | .linux.readonlyPaths = []' \
        --arg r "$nomnt_root")
    id=$(new_id refuse-nomnt)
    ctr_run "$id" "$b"
    rc=$?
    while grep -q " $nomnt_root " /proc/self/mountinfo; do umount -l "$nomnt_root" || break; done
    if [ $rc -ne 0 ] || [ "$(cat "$OUT/$id.out")" = conformance-rootfs ]; then
        ok "without a mount namespace, root.path is the root or the config is refused"
    else
        fail "without a mount namespace, root.path is the root or the config is refused" "rc=$rc, ran on another root: $(cat "$OUT/$id.out" "$OUT/$id.err")"
    fi
    ctr_delete --force "$id"

    # terminal: true in the foreground with no --console-socket and no terminal (stdio
    # redirected here, and no controlling terminal when run from a service or CI): nothing to
    # relay, refused (runc: "open /dev/tty: no such device or address"), nothing left behind.
    if [ -e /proc/self/fd/0 ] && (: </dev/tty) 2>/dev/null; then
        skip "run with terminal true and no terminal at all is refused" "this shell has a controlling terminal"
    else
    b=$(mkbundle refuse-tty '.process.terminal = true | .process.args = ["/bin/sh", "-c", "echo ran"]')
    id=$(new_id refuse-tty)
    before=$(state_dir_entries)
    ctr_run "$id" "$b"
    rc=$?
    expect_fail "run with terminal true, no console socket and no terminal at all is refused" $rc "$(cat "$OUT/$id.out" "$OUT/$id.err")"
    expect_eq "… and leaves no container behind" "$before" "$(state_dir_entries)"
    fi

    # An empty id is no id: refused, and nothing is made for it.
    b=$(mkbundle refuse-empty-id '.process.args = ["/bin/true"]')
    before=$(state_dir_entries)
    rt create --bundle "$b" "" >"$OUT/empty-id.out" 2>&1 </dev/null
    expect_fail "create with an empty id is refused" $? "$(cat "$OUT/empty-id.out")"
    expect_eq "… and leaves nothing in the state dir" "$before" "$(state_dir_entries)"

    # runc's setupDevSymlinks: /dev/core → /proc/kcore only when the host has /proc/kcore.
    run_sh dev-core 'if [ -L /dev/core ]; then echo link; else echo none; fi'
    if [ -e /proc/kcore ]; then
        expect_eq "/dev/core links /proc/kcore (the host has it)" link "$STDOUT" "$STDERR"
    else
        expect_eq "no /dev/core when the host has no /proc/kcore" none "$STDOUT" "$STDERR"
    fi
}
