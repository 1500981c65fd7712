# shellcheck shell=bash
# What higher-level callers (conmon, containerd's shim, systemd units) pass besides the
# lifecycle: --preserve-fds, LISTEN_FDS socket activation, --no-new-keyring, --no-pivot,
# kill --all, --log with --log-format json, and the --version shape they parse.

callers_tests() {
    AREA=callers
    local id bundle rc out
    echo "passed-through" >"$WORK/fd3.txt"

    # --preserve-fds N: fds 3 .. 3+N-1 reach the process; others do not.
    bundle=$(mkbundle fds "$ARGS_SH" --arg s 'cat <&3; ls /proc/self/fd | tr "\n" " "')
    id=$(new_id fds)
    rt run --preserve-fds 1 --bundle "$bundle" "$id" 3<"$WORK/fd3.txt" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
    rc=$?
    expect_eq "--preserve-fds 1: fd 3 reaches the process" "0 passed-through" "$rc $(head -1 "$OUT/$id.out")" "$(cat "$OUT/$id.err")"
    id=$(new_id nofds)
    rt run --bundle "$bundle" "$id" 3<"$WORK/fd3.txt" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
    expect_nomatch "without --preserve-fds the caller's fd 3 is not passed" "passed-through" "$(cat "$OUT/$id.out")"

    # LISTEN_FDS (systemd socket activation): passed on as fds 3.. with LISTEN_FDS/LISTEN_PID=1.
    bundle=$(mkbundle listen "$ARGS_SH" --arg s 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; cat <&3')
    id=$(new_id listen)
    # LISTEN_PID must name the runtime itself: the shell execs it.
    timeout -k 3 "$TIMEOUT" sh -c 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$@"' sh \
        "$RUNTIME" --root "$STATE" run --bundle "$bundle" "$id" 3<"$WORK/fd3.txt" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
    rc=$?
    expect_eq "LISTEN_FDS=1: the container gets LISTEN_FDS=1, LISTEN_PID=1 and fd 3" \
        "0 fds=1 pid=1 passed-through" "$rc $(tr '\n' ' ' <"$OUT/$id.out" | sed 's/ $//')" "$(cat "$OUT/$id.err")"

    # --no-new-keyring is accepted (conmon passes it) and the container runs.
    bundle=$(mkbundle keyring "$ARGS_SH" --arg s 'echo ran')
    id=$(new_id keyring)
    ctr_create "$id" "$bundle" --no-new-keyring
    rc=$?
    ctr_start "$id"
    wait_status "$id" stopped 5
    expect_eq "create --no-new-keyring: the container runs" "0 ran" "$rc $(cat "$OUT/$id.out")"
    ctr_delete --force "$id"

    # --no-pivot (MS_MOVE + chroot): still the bundle's rootfs, still no host files.
    echo "secret-token-$$" >"$WORK/host-only-$$"
    bundle=$(mkbundle nopivot "$ARGS_SH" --arg s 'ls /; cat '"$WORK/host-only-$$"' 2>&1 || true')
    id=$(new_id nopivot)
    ctr_run "$id" "$bundle" --no-pivot
    rc=$?
    out=$(cat "$OUT/$id.out")
    if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qx bin && ! printf '%s\n' "$out" | grep -q "secret-token-$$"; then
        ok "run --no-pivot: the root is the rootfs and host files stay invisible"
    else
        fail "run --no-pivot: the root is the rootfs and host files stay invisible" "rc=$rc $out $(cat "$OUT/$id.err")"
    fi

    # kill --all: every process of the container, not just its init.
    bundle=$(mkbundle killall "$ARGS_SH" --arg s 'trap "" TERM; sleep 300 & sleep 300 & wait')
    id=$(new_id killall)
    ctr_create "$id" "$bundle"
    ctr_start "$id"
    wait_status "$id" running 5
    local pids
    sleep 0.3
    pids=$(rt ps --format json "$id" 2>/dev/null | jq -r '.[]' 2>/dev/null | tr '\n' ' ')
    ctr_kill --all "$id" KILL
    wait_status "$id" stopped 5
    local alive=""
    for p in $pids; do [ -d "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] && alive="$alive $p"; done
    if [ -n "$pids" ] && [ -z "$alive" ] && [ "$(status_of "$id")" = stopped ]; then
        ok "kill --all KILL ends every process of the container"
    else
        fail "kill --all KILL ends every process of the container" "pids=[$pids] alive=[$alive] status=$(status_of "$id")"
    fi
    ctr_delete --force "$id"

    # --log F --log-format json: errors as JSON lines (level, msg, time), as conmon reads them.
    rt --log "$WORK/log.json" --log-format json start "missing-$$" >/dev/null 2>&1 </dev/null
    rc=$?
    if [ $rc -ne 0 ] && jq -e -s 'map(select(.level == "error")) | length > 0 and all(.[]; (.msg | type) == "string" and (.time | type) == "string")' \
        "$WORK/log.json" >/dev/null 2>&1; then
        ok "--log-format json: a failing command logs an error object with msg and time"
    else
        fail "--log-format json: a failing command logs an error object with msg and time" "rc=$rc $(cat "$WORK/log.json" 2>&1)"
    fi

    # --version: "<name> version X" first, and a "spec: " line (callers parse both).
    out=$("$RUNTIME" --version 2>&1 </dev/null)
    if printf '%s\n' "$out" | head -1 | grep -Eq '^[a-z]+ version [0-9]' && printf '%s\n' "$out" | grep -Eq '^spec: [0-9]'; then
        ok "--version: first line '<name> version X', and a 'spec: X' line"
    else
        fail "--version: first line '<name> version X', and a 'spec: X' line" "$out"
    fi
}
