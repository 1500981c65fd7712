# shellcheck shell=bash
# config-linux.md control groups: cgroupsPath, resources (pids, memory), and delete removing
# what create made (runtime.md delete).
#
# The checks locate the container's cgroup through /proc/<pid>/cgroup, so they hold for
# cgroup v1, v2 and hybrid hosts alike.

resources_tests() {
    AREA=cgroups
    local b id pid cg file rel

    rel="conformance-$$/$RANDOM"
    b=$(mkbundle cgroups '.process.args = ["/bin/sleep", "30"]
        | .linux.cgroupsPath = $cg
        | .linux.resources.pids = {limit: 20}
        | .linux.resources.memory = {limit: 33554432}' --arg cg "/$rel")
    id=$(new_id cgroups)
    ctr_create "$id" "$b"
    pid=$(pid_of "$id")
    cg=$(cat "/proc/$pid/cgroup" 2>/dev/null)
    expect_match "an absolute cgroupsPath places the container at that path" ":/$rel\$" "$cg" "$(cat "$OUT/$id.err")"

    file=$(cgroup_file "$pid" pids pids.max)
    expect_eq "resources.pids.limit is written to the pids controller" 20 "$(cat "$file" 2>/dev/null)" "file=$file"
    file=$(cgroup_file "$pid" memory memory.limit_in_bytes || cgroup_file "$pid" memory memory.max)
    expect_eq "resources.memory.limit is written to the memory controller" 33554432 "$(cat "$file" 2>/dev/null)" "file=$file"

    local dirs d leftover=
    dirs=$(for d in /sys/fs/cgroup/*/"$rel" /sys/fs/cgroup/"$rel"; do [ -d "$d" ] && echo "$d"; done)
    ctr_delete --force "$id"
    for d in $dirs; do [ -d "$d" ] && leftover="$leftover $d"; done
    if [ -n "$dirs" ] && [ -z "$leftover" ]; then
        ok "delete removes the container's cgroups"
    else
        fail "delete removes the container's cgroups" "made: $(echo $dirs) left:$leftover"
    fi
    for d in /sys/fs/cgroup/*/conformance-$$ /sys/fs/cgroup/conformance-$$; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done

    # Limits are enforced: forks beyond pids.limit fail; memory beyond the limit is OOM-killed.
    # The forking happens in a child shell: a shell whose fork fails exits, and pid 1 must
    # survive to count (with a builtin glob, no fork) what is left.
    run_sh pids-enforced 'sh -c "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do sleep 5 & done" 2>/dev/null; set -- /proc/[0-9]*; echo $#' \
        '.linux.resources.pids = {limit: 8}'
    if [ -n "$STDOUT" ] && [ "$STDOUT" -le 8 ] 2>/dev/null && [ "$STDOUT" -ge 4 ]; then
        ok "resources.pids.limit caps the number of processes"
    else
        fail "resources.pids.limit caps the number of processes" "saw '$STDOUT' processes with limit 8; $STDERR"
    fi

    b=$(mkbundle oom '.process.args = ["/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]
        | .linux.resources.memory = {limit: 33554432, swap: 33554432}')
    id=$(new_id oom)
    ctr_run "$id" "$b"
    local rc=$?
    expect_eq "resources.memory.limit: exceeding it gets the process OOM-killed (run exits 137)" 137 $rc "$(cat "$OUT/$id.err")"
    ctr_delete --force "$id"
}
