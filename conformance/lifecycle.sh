# shellcheck shell=bash
# runtime.md: State, Lifecycle and Operations (state, create, start, kill, delete).

lifecycle_tests() {
    AREA=lifecycle
    local b id pid st rc shared

    # A process we control: it writes "ran" and then waits for $shared/go before exiting, so
    # the test decides when the container stops.
    shared=$WORK/lc-shared
    mkdir -p "$shared"
    b=$(mkbundle lifecycle "$ARGS_SH | .mounts += [{destination: \"/shared\", type: \"bind\", source: \$d, options: [\"rbind\", \"rw\"]}]" \
        --arg s 'echo ran; echo ran >/shared/ran; while [ ! -e /shared/go ]; do sleep 0.02; done; echo done' --arg d "$shared")
    id=$(new_id lifecycle)

    # Create from a relative bundle path: state.bundle MUST still be absolute.
    (cd "$WORK" && ctr_create "$id" "b/lifecycle")
    rc=$?
    expect_ok "create succeeds" $rc "$(cat "$OUT/$id.err")"
    st=$(state_json "$id")
    expect_eq "state after create: status is created" created "$(jq -r .status <<<"$st" 2>/dev/null)" "$st"
    expect_eq "state after create: id is the container id" "$id" "$(jq -r .id <<<"$st" 2>/dev/null)"
    expect_match "state has ociVersion (SemVer string)" '^[0-9]+\.[0-9]+\.[0-9]+' "$(jq -r .ociVersion <<<"$st" 2>/dev/null)"
    expect_eq "state.bundle is the absolute bundle path (created with a relative -b)" "$b" "$(jq -r .bundle <<<"$st" 2>/dev/null)"
    pid=$(jq -r '.pid // 0' <<<"$st" 2>/dev/null)
    if [ "${pid:-0}" -gt 0 ] 2>/dev/null && [ -d "/proc/$pid" ]; then
        ok "state.pid of a created container is a live host pid"
    else
        fail "state.pid of a created container is a live host pid" "pid=$pid"
    fi
    if [ "${pid:-0}" -gt 0 ] 2>/dev/null && [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ] &&
        [ "$(readlink "/proc/$pid/ns/pid")" != "" ]; then
        ok "the created container process is already in its new pid namespace"
    else
        fail "the created container process is already in its new pid namespace" "pid=$pid ns=$(readlink "/proc/$pid/ns/pid" 2>&1)"
    fi
    sleep 0.2
    if [ "$(status_of "$id")" = created ] && [ ! -e "$shared/ran" ] && [ ! -s "$OUT/$id.out" ]; then
        ok "create does not run the user program"
    else
        fail "create does not run the user program" "status=$(status_of "$id"), output before start: '$(cat "$OUT/$id.out")'"
    fi

    # runtime.md: changes to config.json after create have no effect on the container.
    jq '.process.args = ["/bin/sh", "-c", "echo config-was-reread"]' "$b/config.json" >"$b/config.json.new" &&
        mv "$b/config.json.new" "$b/config.json"

    ctr_start "$id"
    expect_ok "start succeeds" $? "$(cat "$OUT/$id.start")"
    if wait_file "$shared/ran" 5; then ok "start runs the user program"; else fail "start runs the user program" "no output"; fi
    expect_eq "config.json edits after create have no effect" ran "$(head -1 "$OUT/$id.out")"
    expect_eq "state while the program runs: running" running "$(status_of "$id")"
    st=$(pid_of "$id")
    if [ "${pid:-0}" -gt 0 ] 2>/dev/null && [ "$st" = "$pid" ]; then
        ok "state.pid is unchanged from created to running"
    else
        fail "state.pid is unchanged from created to running" "created: $pid, running: $st"
    fi

    ctr_start "$id"
    expect_fail "start of a running container fails" $?

    ctr_delete "$id"
    expect_fail "delete of a running container fails" $?
    expect_eq "a refused delete leaves the container running" running "$(status_of "$id")"

    touch "$shared/go"
    if wait_status "$id" stopped 5; then
        ok "state after the program exits: stopped"
    else
        fail "state after the program exits: stopped" "status=$(status_of "$id")"
    fi
    expect_match "program output is complete after exit" '^ran$' "$(head -1 "$OUT/$id.out")"

    ctr_start "$id"
    expect_fail "start of a stopped container fails" $?
    ctr_kill "$id" KILL
    expect_fail "kill of a stopped container fails" $?

    ctr_delete "$id"
    expect_ok "delete of a stopped container succeeds" $? "$(cat "$OUT/$id.delete")"
    state_json "$id" >/dev/null
    expect_fail "state of a deleted container fails" $?
    if jq_true "$(rt list --format json </dev/null 2>/dev/null)" '(. // []) | map(select(.id == $id)) | length == 0' --arg id "$id"; then
        ok "list no longer shows a deleted container"
    else
        fail "list no longer shows a deleted container" "$(rt list 2>&1)"
    fi

    # The id is free again once the container is deleted.
    rm -f "$shared/ran" "$shared/go"
    jq '.process.args = ["/bin/true"]' "$b/config.json" >"$b/c.new" && mv "$b/c.new" "$b/config.json"
    ctr_create "$id" "$b"
    rc=$?
    if [ $rc -eq 0 ] && [ "$(status_of "$id")" = created ]; then
        ok "a deleted container's id can be used again"
    else
        fail "a deleted container's id can be used again" "rc=$rc $(cat "$OUT/$id.err")"
    fi
    ctr_delete --force "$id"

    # Unknown ids
    rt start nosuch-$$ >/dev/null 2>&1 </dev/null
    expect_fail "start of an unknown id fails" $?
    rt state nosuch-$$ >/dev/null 2>&1 </dev/null
    expect_fail "state of an unknown id fails" $?
    rt kill nosuch-$$ KILL >/dev/null 2>&1 </dev/null
    expect_fail "kill of an unknown id fails" $?

    # Duplicate id: create MUST fail and MUST NOT disturb the existing container.
    b=$(mkbundle dup '.process.args = ["/bin/sleep", "30"]')
    id=$(new_id dup)
    ctr_create "$id" "$b"
    pid=$(pid_of "$id")
    ctr_create "$id" "$b" 2>/dev/null
    rc=$?
    # ctr_create truncated the first container's .out; that is fine, we only look at rc/state.
    expect_fail "create with an id that exists fails" $rc
    if [ "$(status_of "$id")" = created ] && [ "$(pid_of "$id")" = "$pid" ]; then
        ok "a failed duplicate create leaves the first container untouched"
    else
        fail "a failed duplicate create leaves the first container untouched" "$(state_json "$id")"
    fi

    # kill of a created (not started) container is allowed and stops it.
    ctr_kill "$id" KILL
    expect_ok "kill KILL of a created container succeeds" $? "$(cat "$OUT/$id.kill")"
    if wait_status "$id" stopped 5; then ok "a killed created container becomes stopped"; else fail "a killed created container becomes stopped" "status=$(status_of "$id")"; fi
    if [ -n "$pid" ] && [ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
        ok "the killed created container's process is gone"
    else
        fail "the killed created container's process is gone" "pid $pid still alive"
    fi
    ctr_delete "$id"
    expect_ok "delete after kill succeeds" $? "$(cat "$OUT/$id.delete")"

    # An unknown id: plain delete fails; delete --force succeeds (shims clean up twice).
    ctr_delete "unknown-$$"
    expect_fail "delete of an unknown container fails" $?
    ctr_delete --force "unknown-$$"
    expect_ok "delete --force of an unknown container succeeds" $?
    ctr_delete --force "../escape-$$"
    expect_fail "delete --force of an invalid id (../x) fails" $?

    # delete --force of a running container
    b=$(mkbundle force '.process.args = ["/bin/sleep", "30"]')
    id=$(new_id force)
    ctr_create "$id" "$b" && ctr_start "$id"
    pid=$(pid_of "$id")
    ctr_delete --force "$id"
    rc=$?
    expect_ok "delete --force of a running container succeeds" $rc "$(cat "$OUT/$id.delete")"
    sleep 0.05
    if state_json "$id" >/dev/null || { [ -n "$pid" ] && [ "$pid" != 0 ] && [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ]; }; then
        fail "delete --force removes the container and its process" "state or pid $pid still there"
    else
        ok "delete --force removes the container and its process"
    fi

    # kill: the signal may be given as a name, a SIG-prefixed name or a number; the process
    # MUST receive exactly that signal (a trap tells us which one arrived).
    local form
    for form in TERM SIGTERM 15 USR1; do
        local want=TERM
        [ "$form" = USR1 ] && want=USR1
        b=$(mkbundle "kill-$form" "$ARGS_SH" --arg s 'trap "echo got-TERM; exit 0" TERM; trap "echo got-USR1; exit 0" USR1; echo ready; sleep 30 & wait $!; echo no-signal')
        id=$(new_id "kill-$form")
        if ! { ctr_create "$id" "$b" && ctr_start "$id" && wait_file "$OUT/$id.out" 5 ready; }; then
            fail "kill $form delivers SIG$want" "container did not start: $(cat "$OUT/$id.err" "$OUT/$id.start")"
            ctr_delete --force "$id"
            continue
        fi
        ctr_kill "$id" "$form"
        rc=$?
        if [ $rc -eq 0 ] && wait_file "$OUT/$id.out" 5 "got-" && grep -q "got-$want" "$OUT/$id.out"; then
            ok "kill $form delivers SIG$want"
        else
            fail "kill $form delivers SIG$want" "rc=$rc out=$(cat "$OUT/$id.out") err=$(cat "$OUT/$id.kill")"
        fi
        wait_status "$id" stopped 5
        ctr_delete --force "$id"
    done
}
