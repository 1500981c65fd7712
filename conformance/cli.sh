# shellcheck shell=bash
# Errors the operations MUST report (runtime.md), and the runc-compatible CLI surface that
# callers (containerd, podman, scripts) rely on: run, run -d, --pid-file, list, spec.

cli_tests() {
    AREA=errors
    local b id rc before after

    # Invalid ids must be refused and must not create anything outside (or inside) the state dir.
    b=$(mkbundle badid '.process.args = ["/bin/true"]')
    before=$(runtime_procs)
    rt create --bundle "$b" "../escape-$$" >"$OUT/badid.out" 2>"$OUT/badid.err" </dev/null
    rc=$?
    if [ $rc -ne 0 ] && [ ! -e "$WORK/escape-$$" ] && [ -z "$(state_dir_entries)" ]; then
        ok "create with id '../x' fails and writes nothing"
    else
        fail "create with id '../x' fails and writes nothing" "rc=$rc state=[$(state_dir_entries)] $(ls "$WORK")"
        rt delete --force "../escape-$$" >/dev/null 2>&1 </dev/null
    fi

    # A config the runtime cannot honour: create MUST generate an error, and a failed create
    # must leave no container, no state and no process behind.
    local name
    for name in empty-args malformed-json missing-rootfs no-such-binary; do
        b=$WORK/b/$name
        mkdir -p "$b"
        case $name in
        empty-args) jq '.process.args = []' "$BASE_CONFIG" >"$b/config.json" ;;
        malformed-json) head -c 200 "$BASE_CONFIG" >"$b/config.json" ;;
        missing-rootfs) jq --arg r "$WORK/does-not-exist" '.root.path = $r' "$BASE_CONFIG" >"$b/config.json" ;;
        no-such-binary) jq '.process.args = ["/bin/does-not-exist"]' "$BASE_CONFIG" >"$b/config.json" ;;
        esac
        id=$(new_id "$name")
        before=$(runtime_procs)
        ctr_create "$id" "$b"
        rc=$?
        if [ "$name" = no-such-binary ] && [ $rc -eq 0 ]; then
            # A runtime may only find out when it executes the program: then start MUST fail.
            ctr_start "$id"
            rc=$?
            ctr_delete --force "$id"
        fi
        sleep 0.05
        after=$(runtime_procs)
        if [ $rc -ne 0 ] && [ $rc -ne 124 ] && ! state_json "$id" >/dev/null && [ -z "$(state_dir_entries)" ] && [ "$after" -le "$before" ]; then
            ok "$name: create fails and leaves no state or process"
        else
            fail "$name: create fails and leaves no state or process" "rc=$rc state=[$(state_dir_entries)] runtime procs $before -> $after; $(cat "$OUT/$id.err")"
            ctr_delete --force "$id"
        fi
    done

    AREA=cli
    # run: the exit status of run is the container process's.
    run_sh run-exit0 'echo hi; exit 0'
    expect_eq "run exits 0 when the process exits 0" "0 hi" "$RC $STDOUT" "$STDERR"
    run_sh run-exit3 'echo hi; exit 3'
    expect_eq "run exits 3 when the process exits 3" "3 hi" "$RC $STDOUT" "$STDERR"

    # A process killed by a signal: 128+signal. pid 1 of a pid namespace cannot SIGKILL itself,
    # so the signal comes from outside, through the runtime.
    b=$(mkbundle run-kill '.process.args = ["/bin/sleep", "30"]')
    id=$(new_id run-kill)
    ctr_run "$id" "$b" &
    local runpid=$!
    wait_status "$id" running 5
    ctr_kill "$id" KILL
    wait "$runpid"
    rc=$?
    expect_eq "run exits 137 when the process is killed by SIGKILL" 137 "$rc" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"

    # run -d: detached, returns while the container runs.
    b=$(mkbundle run-d '.process.args = ["/bin/sleep", "30"]')
    id=$(new_id run-d)
    ctr_run "$id" "$b" -d
    rc=$?
    expect_ok "run -d returns while the container keeps running" $rc "$(cat "$OUT/$id.err")"
    expect_eq "state after run -d: running" running "$(status_of "$id")"

    # list
    local listing
    listing=$(rt list </dev/null 2>&1)
    expect_match "list shows the container id" "(^|[[:space:]])$id([[:space:]]|$)" "$listing"
    listing=$(rt list --format json </dev/null 2>&1)
    if jq_true "$listing" 'map(select(.id == $id and .status == "running")) | length == 1' --arg id "$id"; then
        ok "list --format json is JSON with the container's id and status"
    else
        fail "list --format json is JSON with the container's id and status" "$listing"
    fi
    ctr_delete --force "$id"

    # --pid-file holds the container process's pid, the same one state reports.
    b=$(mkbundle pidfile '.process.args = ["/bin/sleep", "30"]')
    id=$(new_id pidfile)
    ctr_create "$id" "$b" --pid-file "$WORK/$id.pid"
    local filepid
    filepid=$(tr -d '\n' <"$WORK/$id.pid" 2>/dev/null)
    if [ "${filepid:-0}" -gt 0 ] 2>/dev/null && [ "$filepid" = "$(pid_of "$id")" ]; then
        ok "--pid-file holds the pid that state reports"
    else
        fail "--pid-file holds the pid that state reports" "file: '$filepid', state: '$(pid_of "$id")'"
    fi
    ctr_delete --force "$id"

    # spec: writes a config.json that is valid JSON with the required fields.
    local specdir=$WORK/spec
    mkdir -p "$specdir"
    (cd "$specdir" && rt spec >/dev/null 2>&1 </dev/null)
    rc=$?
    if [ $rc -eq 0 ] && jq -e '(.ociVersion | type == "string") and (.process.args | length > 0) and (.root.path | type == "string")' "$specdir/config.json" >/dev/null 2>&1; then
        ok "spec writes a config.json with ociVersion, process.args and root.path"
    else
        fail "spec writes a config.json with ociVersion, process.args and root.path" "rc=$rc $(head -c 200 "$specdir/config.json" 2>&1)"
    fi

    # annotations from config.json appear in the state (runtime.md: state.annotations).
    b=$(mkbundle annotations '.process.args = ["/bin/true"] | .annotations = {"org.example.conformance": "yes"}')
    id=$(new_id annotations)
    ctr_create "$id" "$b"
    expect_eq "state.annotations carries config.json's annotations" yes "$(state_json "$id" | jq -r '.annotations["org.example.conformance"]' 2>/dev/null)"
    ctr_delete --force "$id"

    # A bundle with a relative root.path ("rootfs") resolves against the bundle directory.
    b=$WORK/relroot
    "$REPO_DIR/bundles/mkrootfs.sh" "$b"
    jq '.root.path = "rootfs" | .process.args = ["/bin/cat", "/etc/hostname"]' "$BASE_CONFIG" >"$b/config.json"
    id=$(new_id relroot)
    ctr_run "$id" "$b"
    expect_eq "a relative root.path is resolved against the bundle" relroot "$(cat "$OUT/$id.out")" "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"
}
