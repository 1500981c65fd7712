# shellcheck shell=bash
# Hooks that fail or misbehave (runtime.md lifecycle, config.md POSIX-platform hooks):
# a failing poststart or poststop hook is a warning and the remaining hooks still run; a hook
# that never reads its stdin does not take the runtime down; a hook's stdin is its only copy
# of the state pipe; a "hooks" key spelled with a JSON escape is still the hooks.
#
# runc 1.1 runs poststart at the end of `create` and stops at the first failing poststart or
# poststop hook: those checks name the spec sentence and are skipped for runc.

# runtime_is_runc: the reference, for the checks of a spec MUST that it breaks
runtime_is_runc() { "$RUNTIME" --version 2>/dev/null | grep -q '^runc version'; }

# sh_hook SCRIPT: a hook entry running `sh -c SCRIPT` (JSON)
sh_hook() { jq -nc --arg s "$1" '{path: "/bin/sh", args: ["sh", "-c", $s]}'; }

hook_errors_tests() {
    AREA=hook-errors
    local d=$WORK/hook-errors b id rc log
    mkdir -p "$d"

    # runtime.md "Lifecycle" steps 9 and 13: "If any poststart hook fails, the runtime MUST log a
    # warning, but the remaining hooks and lifecycle continue as if the hook had succeeded";
    # the same for poststop.
    b=$(mkbundle hook-warn '.process.args = ["/bin/sleep", "30"] | .hooks = {
            poststart: [$fail, $ps2], poststop: [$fail, $pt2]}' \
        --argjson fail "$(sh_hook 'exit 3')" --argjson ps2 "$(sh_hook "touch $d/poststart-2")" \
        --argjson pt2 "$(sh_hook "touch $d/poststop-2")")
    id=$(new_id hook-warn)
    log=$WORK/hook-warn.log
    ctr_create "$id" "$b"
    rt --log "$log" start "$id" >"$OUT/$id.start" 2>&1 </dev/null
    rc=$?
    if runtime_is_runc; then
        skip "a failing poststart hook only warns; start succeeds" "runc 1.1 runs poststart in create"
        skip "the poststart hooks after a failing one still run" "runc 1.1 stops at the first failure"
        skip "the warning reaches stderr and --log" "runc 1.1 runs poststart in create"
    else
        expect_eq "a failing poststart hook only warns; start succeeds and the process runs" "0 running" "$rc $(status_of "$id")" "$(cat "$OUT/$id.start")"
        expect_eq "the poststart hooks after a failing one still run" yes "$([ -e "$d/poststart-2" ] && echo yes || echo no)"
        if grep -q 'poststart' "$OUT/$id.start" && grep -q 'poststart' "$log" 2>/dev/null; then
            ok "the warning reaches stderr and --log"
        else
            fail "the warning reaches stderr and --log" "stderr: $(cat "$OUT/$id.start") log: $(cat "$log" 2>&1)"
        fi
    fi
    rt delete --force "$id" >"$OUT/$id.delete" 2>&1 </dev/null
    rc=$?
    expect_ok "a failing poststop hook only warns; delete succeeds" $rc "$(cat "$OUT/$id.delete")"
    if runtime_is_runc; then
        skip "the poststop hooks after a failing one still run" "runc 1.1 stops at the first failure"
    else
        expect_eq "the poststop hooks after a failing one still run" yes "$([ -e "$d/poststop-2" ] && echo yes || echo no)"
    fi

    # A hook that closes its stdin without reading: writing the state gets EPIPE (SIGPIPE
    # would kill the runtime with 141 and leave a "creating" container). The state is made
    # larger than a pipe buffer with an annotation, so the write cannot finish before.
    local big
    big=$(head -c 100000 /dev/zero | tr '\0' x)
    b=$(mkbundle hook-noread '.process.args = ["/bin/true"] | .annotations = {big: $big}
        | .hooks = {createRuntime: [$h]}' --arg big "$big" --argjson h "$(sh_hook 'exec 0<&-; sleep 0.2')")
    id=$(new_id hook-noread)
    ctr_create "$id" "$b"
    rc=$?
    expect_eq "a hook that never reads its stdin does not kill the runtime; create succeeds" "0 created" "$rc $(status_of "$id")" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"

    # The hook's fd 0 is the state pipe; no other fd of the hook may be the same pipe (the
    # read end leaked once, so a hook that waited for EOF elsewhere never saw it).
    local leak_check='in=$(readlink /proc/$$/fd/0); for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" != 0 ] && [ "$(readlink $f)" = "$in" ] && echo "leak $n"; done; echo checked'
    b=$(mkbundle hook-fds '.process.args = ["/bin/true"] | .hooks = {prestart: [$h]}' \
        --argjson h "$(sh_hook "{ $leak_check; } >$d/fds")")
    id=$(new_id hook-fds)
    ctr_create "$id" "$b"
    expect_eq "a hook's only copy of the state pipe is its stdin" checked "$(cat "$d/fds" 2>&1)" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"

    # JSON allows escapes in keys: "\u0068ooks" is "hooks" (a byte search for "hooks" once
    # skipped the poststart and poststop hooks of such a config).
    b=$(mkbundle hook-escaped '.process.args = ["/bin/sleep", "30"] | .hooks = {poststart: [$h]}' \
        --argjson h "$(sh_hook "touch $d/escaped-poststart")")
    sed -i 's/"hooks"/"\\u0068ooks"/' "$b/config.json"
    id=$(new_id hook-escaped)
    ctr_create "$id" "$b"
    ctr_start "$id"
    expect_eq "hooks under a key spelled \"\\u0068ooks\" run" yes "$([ -e "$d/escaped-poststart" ] && echo yes || echo no)" "$(grep -c u0068 "$b/config.json") $(cat "$OUT/$id.err" "$OUT/$id.start" 2>&1)"
    ctr_delete --force "$id"
}
