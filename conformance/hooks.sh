# shellcheck shell=bash
# config.md POSIX-platform hooks and runtime.md's lifecycle: which hooks run when, in which
# namespace, with what on stdin, and what a failing or hanging hook does to the operation.
#
# Every hook is the same small script: it saves its stdin (the state) as DIR/NAME.state,
# appends NAME to DIR/order and writes what it sees (args, env, hostname, namespaces) to
# DIR/NAME.info. Runtime-namespace hooks write into the host dir; startContainer runs after
# pivot_root and writes through a bind mount of that dir at /hooks; createContainer runs in the
# container's namespaces but before pivot_root, so it normally still sees the host dir (the
# script falls back to /hooks, so that where it runs is checked separately from whether it
# runs). The script exists at the same path on the host and inside the rootfs, except for the
# check that createContainer's path resolves in the runtime namespace.
#
# Not tested, because runc 1.1 (the reference) does otherwise: poststart runs at the end of
# `create` instead of after the program is executed (fixed in runc 1.2), so a failing poststart
# fails create instead of only warning; and a failing startContainer hook does not make `start`
# fail (runc's init runs it after `start` has returned).

HOOK_SCRIPT='#!/bin/sh
# conformance hook: $1 = hook name, $2 = output dir, then extra args
name=$1 d=$2
[ -d "$d" ] || d=/hooks
envline="env:${HOOK_ENV-unset}|${CONFORMANCE_LEAK-unset}"
PATH=/usr/sbin:/usr/bin:/sbin:/bin
cat >"$d/$name.state"
echo "$name" >>"$d/order"
{
    echo "args:$#|${3-}"
    echo "$envline"
    hostname
    for n in pid mnt uts ipc net; do readlink /proc/self/ns/$n; done
} >"$d/$name.info"
exit ${HOOK_RC:-0}
'

# hook_json NAME PATH DIR [ENV...]: a hook entry running the script as NAME, writing into DIR
hook_json() {
    local name=$1 path=$2 dir=$3
    shift 3
    jq -nc --arg n "$name" --arg p "$path" --arg d "$dir" '{path: $p, args: ["conformance-hook", $n, $d, "two words"], env: $ARGS.positional}' \
        --args HOOK_ENV=from-config "$@"
}

# hook_field FILE FILTER: jq -r on a saved state (empty if missing or not JSON)
hook_field() { jq -r "$2" "$1" 2>/dev/null; }

# ns_of PID: its pid mnt uts ipc net namespaces, one line each
ns_of() { local n; for n in pid mnt uts ipc net; do readlink "/proc/$1/ns/$n"; done; }

hooks_tests() {
    AREA=hooks
    local hd=$WORK/hooks hs=$WORK/hook.sh b id rc pid host_mnt dir
    mkdir -p "$hd"
    printf '%s' "$HOOK_SCRIPT" >"$hs"
    printf '%s' "$HOOK_SCRIPT" >"$ROOTFS/bin/conformance-hook"
    mkdir -p "$ROOTFS$WORK"
    printf '%s' "$HOOK_SCRIPT" >"$ROOTFS$hs"
    chmod 755 "$hs" "$ROOTFS/bin/conformance-hook" "$ROOTFS$hs"
    host_mnt=$(readlink /proc/self/ns/mnt)

    # --- the whole lifecycle, every hook succeeding -------------------------------------
    local hooks
    hooks=$(jq -nc --argjson pre "$(hook_json prestart "$hs" "$hd")" --argjson cr "$(hook_json createRuntime "$hs" "$hd")" \
        --argjson cc "$(hook_json createContainer "$hs" "$hd")" --argjson sc "$(hook_json startContainer /bin/conformance-hook /hooks)" \
        --argjson ps "$(hook_json poststart "$hs" "$hd")" --argjson pt "$(hook_json poststop "$hs" "$hd")" \
        '{prestart: [$pre], createRuntime: [$cr], createContainer: [$cc], startContainer: [$sc], poststart: [$ps], poststop: [$pt]}')
    b=$(mkbundle hooks "$ARGS_SH"' | .hostname = "hooked" | .hooks = $h
        | .mounts += [{destination: "/hooks", type: "bind", source: $d, options: ["rbind", "rw"]}]' \
        --arg s 'echo process >>/hooks/order; i=0; while [ ! -e /hooks/poststart.info ] && [ $i -lt 250 ]; do sleep 0.02; i=$((i + 1)); done' \
        --argjson h "$hooks" --arg d "$hd")
    id=$(new_id hooks)
    CONFORMANCE_LEAK=leaked ctr_create "$id" "$b"
    rc=$?
    expect_ok "create with all six hooks succeeds" $rc "$(cat "$OUT/$id.err")"
    pid=$(pid_of "$id")
    local ctr_ns h
    ctr_ns=$(ns_of "$pid")
    for h in prestart createRuntime; do
        if [ -f "$hd/$h.info" ] && [ "$(sed -n 5p "$hd/$h.info")" = "$host_mnt" ]; then
            ok "$h runs during create, in the runtime's mount namespace"
        else
            fail "$h runs during create, in the runtime's mount namespace" "$(cat "$hd/$h.info" 2>&1 | tr '\n' ' ') host mnt: $host_mnt"
        fi
        expect_eq "$h: state on stdin has the id, status creating and the container's host pid" "$id creating $pid" \
            "$(hook_field "$hd/$h.state" '"\(.id) \(.status) \(.pid)"')" "$(cat "$hd/$h.state" 2>&1)"
    done
    expect_eq "hook args (after path) and env are passed exactly as configured" "args:3|two words env:from-config|unset" \
        "$(sed -n 1,2p "$hd/prestart.info" 2>&1 | tr '\n' ' ' | sed 's/ $//')"

    if [ -f "$hd/createContainer.info" ] && [ -n "$ctr_ns" ] && [ "$(sed -n '4,8p' "$hd/createContainer.info")" = "$ctr_ns" ]; then
        ok "createContainer runs during create, in the container's namespaces (pid mnt uts ipc net)"
    else
        fail "createContainer runs during create, in the container's namespaces (pid mnt uts ipc net)" \
            "hook: $(sed -n '4,8p' "$hd/createContainer.info" 2>&1 | tr '\n' ' ') container: $(echo $ctr_ns)"
    fi
    if jq_true "$(cat "$hd/createContainer.state" 2>/dev/null)" '.id == $id and .status == "creating" and .pid > 0' --arg id "$id"; then
        ok "createContainer: state on stdin has the id, status creating and a pid"
    else
        fail "createContainer: state on stdin has the id, status creating and a pid" "$(cat "$hd/createContainer.state" 2>&1)"
    fi
    if [ ! -e "$hd/startContainer.state" ] && ! grep -q process "$hd/order" 2>/dev/null; then
        ok "startContainer and the program do not run at create"
    else
        fail "startContainer and the program do not run at create" "order: $(cat "$hd/order" 2>/dev/null | tr '\n' ' ')"
    fi

    ctr_start "$id"
    rc=$?
    expect_ok "start with hooks succeeds" $rc "$(cat "$OUT/$id.start")"
    # startContainer's path (/bin/conformance-hook) exists only inside the rootfs.
    if [ -f "$hd/startContainer.info" ] && [ "$(sed -n 3p "$hd/startContainer.info")" = hooked ] &&
        [ -n "$ctr_ns" ] && [ "$(sed -n '4,8p' "$hd/startContainer.info")" = "$ctr_ns" ]; then
        ok "startContainer runs at start: path resolved in the container, its hostname and namespaces"
    else
        fail "startContainer runs at start: path resolved in the container, its hostname and namespaces" \
            "hook: $(cat "$hd/startContainer.info" 2>&1 | tr '\n' ' ') container: $(echo $ctr_ns)"
    fi
    if jq_true "$(cat "$hd/startContainer.state" 2>/dev/null)" '.id == $id and .status == "created" and .pid > 0' --arg id "$id"; then
        ok "startContainer: state on stdin has the id, status created and a pid"
    else
        fail "startContainer: state on stdin has the id, status created and a pid" "$(cat "$hd/startContainer.state" 2>&1)"
    fi
    # (runc 1.1 runs poststart at create with status created; after the program was executed
    # it is running. Either way it has run when start returns. The program waits for
    # poststart to have run, so that it is still running when poststart gets the state.)
    if jq_true "$(cat "$hd/poststart.state" 2>/dev/null)" '.id == $id and (.status == "created" or .status == "running") and .pid == ($pid | tonumber)' \
        --arg id "$id" --arg pid "$pid" && [ "$(sed -n 5p "$hd/poststart.info")" = "$host_mnt" ]; then
        ok "poststart has run when start returns, in the runtime namespace, with the container's id and pid"
    else
        fail "poststart has run when start returns, in the runtime namespace, with the container's id and pid" "$(cat "$hd/poststart.state" 2>&1)"
    fi

    wait_status "$id" stopped 5
    expect_eq "hooks run in lifecycle order: prestart createRuntime createContainer startContainer, then the program" \
        "prestart createRuntime createContainer startContainer process" "$(grep -v -e poststart -e poststop "$hd/order" | tr '\n' ' ' | sed 's/ $//')"
    if [ ! -e "$hd/poststop.state" ]; then ok "poststop does not run before delete"; else fail "poststop does not run before delete" "it ran"; fi
    ctr_delete "$id"
    rc=$?
    if [ $rc -eq 0 ] && jq_true "$(cat "$hd/poststop.state" 2>/dev/null)" '.id == $id and .status == "stopped"' --arg id "$id" &&
        [ "$(sed -n 5p "$hd/poststop.info")" = "$host_mnt" ]; then
        ok "poststop has run when delete returns: runtime namespace, state id and status stopped"
    else
        fail "poststop has run when delete returns: runtime namespace, state id and status stopped" "rc=$rc $(cat "$hd/poststop.state" 2>&1)"
    fi

    # createContainer's path resolves in the runtime namespace: this script exists only on the host.
    local hostonly=$WORK/host-only-hook.sh
    dir=$WORK/hooks-cc-path
    mkdir -p "$dir"
    printf '%s' "$HOOK_SCRIPT" >"$hostonly"
    chmod 755 "$hostonly"
    hooks=$(jq -nc --argjson cc "$(hook_json createContainer "$hostonly" "$dir")" '{createContainer: [$cc]}')
    b=$(mkbundle hooks-cc-path '.process.args = ["/bin/true"] | .hooks = $h | .mounts += [{destination: "/hooks", type: "bind", source: $d, options: ["rbind", "rw"]}]' \
        --argjson h "$hooks" --arg d "$dir")
    id=$(new_id hooks-cc-path)
    ctr_create "$id" "$b"
    rc=$?
    if [ $rc -eq 0 ] && [ -f "$dir/createContainer.state" ]; then
        ok "createContainer's path resolves in the runtime namespace (a host-only path)"
    else
        fail "createContainer's path resolves in the runtime namespace (a host-only path)" "rc=$rc $(cat "$OUT/$id.err")"
    fi
    ctr_delete --force "$id"

    # --- failing hooks --------------------------------------------------------------------
    # A failing prestart/createRuntime/createContainer hook: create MUST fail, leave no
    # container and no process, the program never runs; the lifecycle continues at delete, so
    # the poststop hooks run.
    local before after
    for h in prestart createRuntime createContainer; do
        dir=$WORK/hooks-fail-$h
        mkdir -p "$dir"
        hooks=$(jq -nc --arg h "$h" --argjson bad "$(hook_json "$h" "$hs" "$dir" HOOK_RC=3)" --argjson pt "$(hook_json poststop "$hs" "$dir")" \
            '{($h): [$bad], poststop: [$pt]}')
        b=$(mkbundle "hooks-fail-$h" "$ARGS_SH"' | .hooks = $h | .mounts += [{destination: "/hooks", type: "bind", source: $d, options: ["rbind", "rw"]}]' \
            --arg s 'echo process >>/hooks/order' --argjson h "$hooks" --arg d "$dir")
        id=$(new_id "hooks-fail-$h")
        before=$(runtime_procs)
        ctr_create "$id" "$b"
        rc=$?
        sleep 0.05
        after=$(runtime_procs)
        if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ -f "$dir/$h.state" ] && ! state_json "$id" >/dev/null && [ -z "$(state_dir_entries)" ] &&
            [ "$after" -le "$before" ] && ! grep -qs process "$dir/order"; then
            ok "a failing $h hook fails create, leaving no state, process or program run"
        else
            fail "a failing $h hook fails create, leaving no state, process or program run" \
                "rc=$rc order: $(cat "$dir/order" 2>/dev/null | tr '\n' ' ') state=[$(state_dir_entries)] runtime procs $before -> $after; $(cat "$OUT/$id.err")"
            ctr_delete --force "$id"
        fi
        if [ -f "$dir/poststop.state" ]; then
            ok "after a failing $h hook the poststop hooks still run"
        else
            fail "after a failing $h hook the poststop hooks still run" "order: $(cat "$dir/order" 2>/dev/null | tr '\n' ' ')"
        fi
    done

    # A failing poststop hook: delete logs a warning but succeeds, and the container is gone.
    dir=$WORK/hooks-fail-poststop
    mkdir -p "$dir"
    hooks=$(jq -nc --argjson bad "$(hook_json poststop "$hs" "$dir" HOOK_RC=3)" '{poststop: [$bad]}')
    b=$(mkbundle hooks-fail-poststop '.process.args = ["/bin/true"] | .hooks = $h' --argjson h "$hooks")
    id=$(new_id hooks-fail-poststop)
    ctr_run "$id" "$b"
    rc=$?
    if [ $rc -eq 0 ] && [ -f "$dir/poststop.state" ] && ! state_json "$id" >/dev/null && [ -z "$(state_dir_entries)" ]; then
        ok "a failing poststop hook only warns: run (which deletes) succeeds and the container is gone"
    else
        fail "a failing poststop hook only warns: run (which deletes) succeeds and the container is gone" \
            "rc=$rc ran=$([ -f "$dir/poststop.state" ] && echo yes || echo no) state=[$(state_dir_entries)] $(cat "$OUT/$id.err")"
    fi
    ctr_delete --force "$id"
    dir=$WORK/hooks-fail-poststop2
    mkdir -p "$dir"
    hooks=$(jq -nc --argjson bad "$(hook_json poststop "$hs" "$dir" HOOK_RC=3)" '{poststop: [$bad]}')
    b=$(mkbundle hooks-fail-poststop2 '.process.args = ["/bin/true"] | .hooks = $h' --argjson h "$hooks")
    id=$(new_id hooks-fail-poststop2)
    ctr_create "$id" "$b"
    ctr_start "$id"
    wait_status "$id" stopped 5
    ctr_delete "$id"
    rc=$?
    if [ $rc -eq 0 ] && [ -f "$dir/poststop.state" ] && ! state_json "$id" >/dev/null; then
        ok "a failing poststop hook only warns: delete succeeds and the container is gone"
    else
        fail "a failing poststop hook only warns: delete succeeds and the container is gone" \
            "rc=$rc ran=$([ -f "$dir/poststop.state" ] && echo yes || echo no) $(cat "$OUT/$id.delete")"
    fi
    ctr_delete --force "$id"

    # A hook that outlives its timeout is killed, and the operation fails.
    b=$(mkbundle hooks-timeout '.process.args = ["/bin/true"] | .hooks = {prestart: [{path: "/bin/sleep", args: ["sleep", "4.77"], timeout: 1}]}')
    id=$(new_id hooks-timeout)
    local start=$SECONDS
    ctr_create "$id" "$b"
    rc=$?
    local took=$((SECONDS - start))
    sleep 0.1
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $took -lt 4 ] && ! state_json "$id" >/dev/null && [ -z "$(state_dir_entries)" ] &&
        ! pgrep -f '^sleep 4\.77$' >/dev/null; then
        ok "a hook exceeding its timeout is killed and create fails"
    else
        fail "a hook exceeding its timeout is killed and create fails" \
            "rc=$rc after ${took}s, state=[$(state_dir_entries)] sleep still running: $(pgrep -f '^sleep 4\.77$' | tr '\n' ' '); $(cat "$OUT/$id.err")"
        ctr_delete --force "$id"
    fi

    # Where and as whom the container-namespace hooks run (as runc runs them from its init):
    # createContainer in the rootfs (a relative path lands in the container, not on the host's
    # "/"); startContainer as the container's process, its user and seccomp filter included.
    dir=$WORK/hooks-identity
    mkdir -p "$dir"
    chmod 777 "$dir"
    b=$(mkbundle hooks-identity '.process.args = ["/bin/true"] | .process.user = {uid: 1000, gid: 1000}
        | .mounts += [{destination: "/hooks", type: "bind", source: $d, options: ["rbind", "rw"]}]
        | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
                            syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}
        | .hooks = {createContainer: [{path: "/bin/sh", args: ["sh", "-c", "pwd >\($d)/cc-pwd"]}],
                    startContainer: [{path: "/bin/sh", args: ["sh", "-c",
                        "id -u >/hooks/sc-id; mkdir /hooks/hook-dir 2>/dev/null; echo mkdir=$? >>/hooks/sc-id"]}]}' --arg d "$dir")
    id=$(new_id hooks-identity)
    ctr_create "$id" "$b"
    ctr_start "$id"
    wait_status "$id" stopped 5
    expect_eq "createContainer runs in the container's rootfs (its working directory)" "$ROOTFS" "$(cat "$dir/cc-pwd" 2>&1)" \
        "$(cat "$OUT/$id.err")"
    expect_eq "startContainer runs as the container's process: its user and seccomp filter" "1000 mkdir=1" \
        "$(tr '\n' ' ' <"$dir/sc-id" 2>&1 | sed 's/ $//')" "$(cat "$OUT/$id.err" "$OUT/$id.start" 2>/dev/null)"
    ctr_delete --force "$id"
}
