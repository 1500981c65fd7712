# shellcheck shell=bash
# The cgroup commands of runc's CLI that callers (containerd, podman, docker) use on a live
# container: ps, pause/resume, update, events. Not in the OCI spec, so runc is the reference:
# every check passes against runc 1.1 as well.
#
# The container's program reports through a bind-mounted host directory: a counter it
# rewrites every 50 ms (to see whether it runs), and a fork test it runs when told to.

cgroups_cli_tests() {
    AREA=cgroups-cli
    local b id pid dir out rc file c1 c2 c3

    dir=$WORK/cgroups-cli
    mkdir -p "$dir"
    b=$(mkbundle cgcli "$ARGS_SH"' | .mounts += [{destination: "/data", type: "bind", source: $d, options: ["rbind", "rw"]}]' \
        --arg d "$dir" --arg s 'i=0
while [ ! -e /data/go ]; do i=$((i+1)); echo $i >/data/count; sleep 0.05; done
sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 & done" 2>/dev/null
set -- /proc/[0-9]*; echo $# >/data/procs
exec sleep 60')
    id=$(new_id cgcli)
    ctr_run "$id" "$b" -d
    pid=$(pid_of "$id")
    if ! wait_file "$dir/count" 5 || [ "${pid:-0}" -le 0 ]; then
        fail "a container for the cgroup commands runs" "pid=$pid $(cat "$OUT/$id.err")"
        return
    fi

    # ps
    out=$(rt ps --format json "$id" </dev/null 2>&1)
    if jq_true "$out" 'type == "array" and any(.[]; . == $p)' --argjson p "$pid"; then
        ok "ps --format json is a JSON array holding the init's pid"
    else
        fail "ps --format json is a JSON array holding the init's pid" "pid $pid, got '$out'"
    fi
    out=$(rt ps "$id" </dev/null 2>&1)
    if head -1 <<<"$out" | grep -qw PID && awk -v p="$pid" 'NR > 1 && $2 == p { found = 1 } END { exit !found }' <<<"$out"; then
        ok "ps prints ps -ef's header and the init's line"
    else
        fail "ps prints ps -ef's header and the init's line" "pid $pid, got '$out'"
    fi
    if ! awk -v p="$pid" 'NR > 1 && $2 == 1 { bad = 1 } END { exit bad }' <<<"$out"; then
        fail "ps lists only the container's processes" "host pid 1 listed: '$out'"
    else
        ok "ps lists only the container's processes"
    fi
    out=$(rt ps "$id" -o pid,comm </dev/null 2>&1)
    expect_match "ps passes the arguments after the id to ps" "^ *$pid +sleep|^ *$pid +sh" "$out"

    # pause / resume
    rt resume "$id" </dev/null >/dev/null 2>&1
    expect_fail "resume of a running (not paused) container fails" $?
    rt pause "$id" </dev/null >"$OUT/$id.pause" 2>&1
    expect_ok "pause of a running container succeeds" $? "$(cat "$OUT/$id.pause")"
    expect_eq "state after pause: paused" paused "$(status_of "$id")"
    sleep 0.1
    c1=$(cat "$dir/count" 2>/dev/null)
    sleep 0.4
    c2=$(cat "$dir/count" 2>/dev/null)
    expect_eq "a paused container does not run (its counter stays put)" "$c1" "$c2"
    rt pause "$id" </dev/null >/dev/null 2>&1
    expect_fail "pause of a paused container fails" $?
    rt resume "$id" </dev/null >"$OUT/$id.resume" 2>&1
    expect_ok "resume of a paused container succeeds" $? "$(cat "$OUT/$id.resume")"
    expect_eq "state after resume: running" running "$(status_of "$id")"
    sleep 0.4
    c3=$(cat "$dir/count" 2>/dev/null)
    if [ "${c3:-0}" -gt "${c2:-0}" ] 2>/dev/null; then
        ok "a resumed container runs again (its counter advances)"
    else
        fail "a resumed container runs again (its counter advances)" "before resume '$c2', after '$c3'"
    fi

    # events --stats: one event, runc's types.Event shape.
    out=$(rt events --stats "$id" </dev/null 2>&1)
    if jq_true "$out" '.type == "stats" and .id == $id and (.data.pids.current >= 1) and (.data.memory.usage | type == "object") and (.data.cpu.usage | type == "object")' --arg id "$id"; then
        ok "events --stats prints {type: stats, id, data} with pids.current >= 1"
    else
        fail "events --stats prints {type: stats, id, data} with pids.current >= 1" "$out"
    fi

    # update: memory (with a size suffix), then a JSON document on stdin, then pids.
    rt update --memory 64m "$id" </dev/null >"$OUT/$id.update" 2>&1
    rc=$?
    file=$(cgroup_file "$pid" memory memory.limit_in_bytes || cgroup_file "$pid" memory memory.max)
    expect_eq "update --memory 64m sets the memory limit to 67108864" "0 67108864" "$rc $(cat "$file" 2>/dev/null)" "file=$file $(cat "$OUT/$id.update")"
    printf '%s' '{"memory": {"limit": 100663296}, "pids": {"limit": 50}}' | rt update --resources - "$id" >"$OUT/$id.update" 2>&1
    rc=$?
    file=$(cgroup_file "$pid" pids pids.max)
    local mem
    mem=$(cat "$(cgroup_file "$pid" memory memory.limit_in_bytes || cgroup_file "$pid" memory memory.max)" 2>/dev/null)
    expect_eq "update --resources - reads LinuxResources JSON from stdin" "0 50 100663296" "$rc $(cat "$file" 2>/dev/null) $mem" "$(cat "$OUT/$id.update")"
    rt update --pids-limit 4 "$id" </dev/null >"$OUT/$id.update" 2>&1
    rc=$?
    expect_eq "update --pids-limit 4 writes pids.max" "0 4" "$rc $(cat "$file" 2>/dev/null)" "file=$file $(cat "$OUT/$id.update")"
    touch "$dir/go"
    if wait_file "$dir/procs" 5 && [ "$(cat "$dir/procs")" -le 4 ] && [ "$(cat "$dir/procs")" -ge 2 ]; then
        ok "the updated pids limit is enforced (10 forks, at most 4 processes)"
    else
        fail "the updated pids limit is enforced (10 forks, at most 4 processes)" "saw '$(cat "$dir/procs" 2>&1)' processes"
    fi
    ctr_kill "$id" KILL
    wait_status "$id" stopped 5
    rt pause "$id" </dev/null >/dev/null 2>&1
    expect_fail "pause of a stopped container fails" $?
    rt update --pids-limit 10 "$id" </dev/null >/dev/null 2>&1
    expect_fail "update of a stopped container fails" $?
    ctr_delete --force "$id"

    cgroups_cli_events_tests
}

# events without --stats: a stats line per interval, an oom line per OOM kill, and the
# command ends once the container is gone (runc 1.1 waits for the cgroup to be removed).
cgroups_cli_events_tests() {
    local b id dir evpid rc i n
    dir=$WORK/cgroups-cli-oom
    mkdir -p "$dir"
    b=$(mkbundle cgcli-oom "$ARGS_SH"' | .mounts += [{destination: "/data", type: "bind", source: $d, options: ["rbind", "rw"]}]
        | .linux.resources.memory = {limit: 33554432, swap: 33554432}' --arg d "$dir" \
        --arg s 'while [ ! -e /data/go ]; do sleep 0.05; done; dd if=/dev/zero of=/dev/null bs=64M count=1; echo survived >/data/done; exec sleep 60')
    id=$(new_id cgcli-oom)
    ctr_run "$id" "$b" -d
    if [ "$(status_of "$id")" != running ]; then
        fail "a container for events runs" "$(cat "$OUT/$id.err")"
        return
    fi
    rt events --interval 200ms "$id" >"$OUT/$id.events" 2>&1 </dev/null &
    evpid=$!
    for ((i = 0; i < 100; i++)); do
        n=$(grep -c '"type":"stats"' "$OUT/$id.events" 2>/dev/null)
        [ "${n:-0}" -ge 2 ] && break
        sleep 0.05
    done
    if [ "${n:-0}" -ge 2 ] && jq -se 'all(.[]; .type == "stats" and .id == $id and .data.pids.current >= 1)' --arg id "$id" "$OUT/$id.events" >/dev/null 2>&1; then
        ok "events --interval 200ms streams one stats event per interval"
    else
        fail "events --interval 200ms streams one stats event per interval" "$(head -c 300 "$OUT/$id.events")"
    fi
    touch "$dir/go"
    wait_file "$OUT/$id.events" 5 '"type":"oom"'
    if jq -se 'any(.[]; .type == "oom" and .id == $id)' --arg id "$id" "$OUT/$id.events" >/dev/null 2>&1; then
        ok "events reports an OOM kill as {type: oom, id}"
    else
        fail "events reports an OOM kill as {type: oom, id}" "$(grep -v '"stats"' "$OUT/$id.events" | head -c 300)"
    fi
    ctr_kill "$id" KILL
    wait_status "$id" stopped 5
    ctr_delete --force "$id"
    for ((i = 0; i < 40; i++)); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$evpid" 2>/dev/null; then
        kill "$evpid" 2>/dev/null
        wait "$evpid" 2>/dev/null
        fail "events exits once the container is gone" "still running 2 s after delete"
    else
        wait "$evpid"
        rc=$?
        expect_eq "events exits 0 once the container is gone" 0 "$rc" "$(grep -v '"stats"' "$OUT/$id.events" | head -c 300)"
    fi
}
