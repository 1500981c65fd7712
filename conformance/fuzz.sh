# shellcheck shell=bash
# Mutated bundles through `create` (issue 10: no config may crash create, and a failed
# create leaves nothing behind). FUZZ_CASES deterministic mutations (seeded $RANDOM) of the
# base config: values the validator must own (umask, device numbers, hook timeouts, every
# resources range, control characters and NUL in strings) and random leaves set to extreme
# integers, floats, wrong types and odd strings. Each create either succeeds (then delete
# --force) or fails without hanging; either way no state, no cgroup named after the id and
# no process of it may remain. Against our runtime a failure must also be ONE line on
# stderr (runc's messages differ and are not checked).

FUZZ_CASES=${FUZZ_CASES:-200}
FUZZ_SEED=${FUZZ_SEED:-10}

# Raw JSON texts: jq keeps numbers as doubles, so extreme integers are spliced in as text.
FUZZ_NUMBERS=(-1 0 1 2 511 512 999 1000 4095 4096 65535 65536 262145 1000001 1048575 1048576
    2147483 2147484 2147483647 2147483648 4194305 4294967295 4294967296 9223372036854775807
    -9223372036854775808 18446744073709551615 18446744073709551616 0.5 -2.5 1e309 '"7"' true null '[]' '{}')
FUZZ_STRINGS=('""' '"a\u0000b"' '"A=b\nc"' '"\u001b[2J"' '"/.."' '"../../x"' '"/dev/null"' '"2M"' '"0-"'
    '"memory.max"' '"x y"' '"\t"' '1' 'null' '[]')
# Edits that reach the rules of issue 10; NUM and STR stand for a value spliced in afterwards.
FUZZ_EDITS=(
    '.process.user.umask = NUM'
    '.process.user.uid = NUM'
    '.process.user.additionalGids = [NUM]'
    '.process.consoleSize = {"height": NUM, "width": 80}'
    '.process.oomScoreAdj = NUM'
    '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": NUM, "soft": 1024}]'
    '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": NUM}'
    '.process.scheduler = {"policy": "SCHED_OTHER", "nice": NUM}'
    '.process.execCPUAffinity = {"initial": STR}'
    '.process.env += [STR]'
    '.process.args += [STR]'
    '.process.cwd = STR'
    '.hostname = STR'
    '.hooks.prestart = [{"path": "/bin/true", "timeout": NUM}]'
    '.hooks.poststop = [{"path": STR}]'
    '.linux.devices = [{"path": "/dev/fuzz", "type": "c", "major": NUM, "minor": 3}]'
    '.linux.devices = [{"path": "/dev/fuzz", "type": "b", "major": 1, "minor": NUM, "fileMode": 438}]'
    '.linux.devices = [{"path": "/dev/fuzz", "type": "c", "major": 1, "minor": 3, "fileMode": NUM}]'
    '.linux.resources.devices += [{"allow": true, "type": "c", "major": NUM, "access": "rwm"}]'
    '.linux.resources.memory = {"limit": 268435456, "swap": NUM}'
    '.linux.resources.memory = {"limit": NUM}'
    '.linux.resources.memory = {"swappiness": NUM}'
    '.linux.resources.memory = {"reservation": NUM}'
    '.linux.resources.cpu = {"shares": NUM}'
    '.linux.resources.cpu = {"quota": NUM, "period": 100000}'
    '.linux.resources.cpu = {"period": NUM}'
    '.linux.resources.cpu = {"cpus": STR}'
    '.linux.resources.cpu = {"mems": STR}'
    '.linux.resources.cpu = {"idle": NUM}'
    '.linux.resources.pids = {"limit": NUM}'
    '.linux.resources.blockIO = {"weight": NUM}'
    '.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": NUM, "minor": 0, "rate": 1048576}]}'
    '.linux.resources.hugepageLimits = [{"pageSize": STR, "limit": 1048576}]'
    '.linux.resources.network = {"classID": NUM}'
    '.linux.resources.rdma = {"mlx5_0": {"hcaHandles": NUM}}'
    '.linux.resources.unified = {"memory.high": STR}'
    '.linux.sysctl = {"net.core.somaxconn": STR}'
    '.linux.maskedPaths += [STR]'
    '.mounts += [{"destination": "/fuzz", "type": "tmpfs", "source": "tmpfs", "options": [STR]}]'
    'RANDOM_LEAF'
)

fuzz_tests() {
    AREA=fuzz
    local root=$WORK/fuzz
    # A rootfs of its own: a mutated config may create device nodes or mount points in it.
    mkdir -p "$root"
    "$REPO_DIR/bundles/mkrootfs.sh" "$root" >/dev/null || { fail "fuzz rootfs" "mkrootfs failed"; return; }
    local base=$WORK/fuzz-base.json
    # No rootfsPropagation edits: a shared root could propagate mounts to the host.
    jq --arg root "$root/rootfs" '.root.path = $root | .process.args = ["/bin/true"] | del(.linux.rootfsPropagation)' \
        "$REPO_DIR/bundles/hello/config.json" >"$base"

    local is_runc=0
    "$RUNTIME" --version 2>/dev/null </dev/null | head -1 | grep -q '^runc version' && is_runc=1
    RANDOM=$FUZZ_SEED
    local i id b rc before errors=0 leftovers=0 hangs=0 multiline=0 created=0 refused=0 detail=""
    for ((i = 0; i < FUZZ_CASES; i++)); do
        b=$WORK/b/fuzz-$i
        mkdir -p "$b"
        id=$(new_id "fz$i")
        fuzz_config "$base" "$id" >"$b/config.json" || { errors=$((errors + 1)); detail+=" case $i: bad mutation;"; continue; }
        before=$(fuzz_runtime_procs)
        rt create --bundle "$b" "$id" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
        rc=$?
        if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
            hangs=$((hangs + 1)); detail+=" case $i: create hung;"
        elif [ $rc -eq 0 ]; then
            created=$((created + 1))
            ctr_delete --force "$id"
        else
            refused=$((refused + 1))
            if [ "$is_runc" != 1 ] && [ "$(wc -l <"$OUT/$id.err")" -ne 1 ]; then
                multiline=$((multiline + 1)); detail+=" case $i: stderr not one line: $(head -c 300 "$OUT/$id.err" | tr '\n' '|');"
            fi
        fi
        local left
        left=$(fuzz_leftovers "$id" "$before")
        if [ -n "$left" ]; then
            leftovers=$((leftovers + 1)); detail+=" case $i (rc $rc): left $left;"
            ctr_delete --force "$id"
        fi
    done
    echo "# fuzz: $FUZZ_CASES mutated bundles: $created created and deleted, $refused refused"
    expect_eq "$FUZZ_CASES mutated configs: create never hangs" 0 "$hangs" "$detail"
    expect_eq "$FUZZ_CASES mutated configs: nothing left behind (state, cgroup, process)" 0 "$leftovers" "$detail"
    if [ "$is_runc" = 1 ]; then
        skip "$FUZZ_CASES mutated configs: each refusal is one line on stderr" "runc's messages are not one line"
    else
        expect_eq "$FUZZ_CASES mutated configs: each refusal is one line on stderr" 0 "$multiline" "$detail"
    fi
    expect_eq "$FUZZ_CASES mutated configs: every mutation could be built" 0 "$errors" "$detail"
    # Both outcomes must occur, or the mutations test nothing.
    if [ "$created" -gt 0 ] && [ "$refused" -gt 0 ]; then ok "mutations both succeed and fail"; else
        fail "mutations both succeed and fail" "$created created, $refused refused"; fi
}

# fuzz_config BASE ID: one or two edits of BASE, printed. All edits run in one jq pass
# with placeholders, then the raw values are spliced in: jq would print them as doubles.
# Whatever a mutation does to linux.cgroupsPath, the cgroup is pinned to /<id>, so a
# mutated path can never name a cgroup that is not ours (e.g. the root).
fuzz_config() {
    local filter="" edit n value json
    local -a values=()
    for ((n = 0; n <= RANDOM % 2; n++)); do
        edit=${FUZZ_EDITS[RANDOM % ${#FUZZ_EDITS[@]}]}
        if [ "$edit" = RANDOM_LEAF ]; then
            edit="([paths(scalars)] as \$p | setpath(\$p[$RANDOM % (\$p | length)]; NUM))"
            ((RANDOM % 2)) || edit=${edit//NUM/STR}
        fi
        if [[ $edit == *NUM* ]]; then value=${FUZZ_NUMBERS[RANDOM % ${#FUZZ_NUMBERS[@]}]}; else value=${FUZZ_STRINGS[RANDOM % ${#FUZZ_STRINGS[@]}]}; fi
        values+=("$value")
        edit=${edit//NUM/\"@FUZZ$n@\"}
        filter+="${edit//STR/\"@FUZZ$n@\"} | "
    done
    filter+='if type == "object" and (.linux | type) == "object" then .linux.cgroupsPath = $cg else . end'
    json=$(jq -c --arg cg "/$2" "$filter" "$1") || return 1
    for n in "${!values[@]}"; do json=${json//\"@FUZZ$n@\"/${values[n]}}; done
    printf '%s\n' "$json"
}

# fuzz_leftovers ID PROCS_BEFORE: what the id left behind, empty if nothing.
fuzz_leftovers() {
    local id=$1 before=$2 out="" d now
    [ -n "$(state_dir_entries)" ] && out+="state [$(state_dir_entries)] "
    for d in /sys/fs/cgroup/*/"$id" /sys/fs/cgroup/"$id"; do
        [ -d "$d" ] && out+="cgroup $d "
    done
    d=$(grep -ls -- "/$id\$" /proc/[0-9]*/cgroup | tr '\n' ' ')
    [ -n "$d" ] && out+="processes in its cgroup: $d"
    # A failed runtime's helper (runc init) may take a moment to exit after create returned.
    local i
    for ((i = 0; i < 50; i++)); do
        now=$(fuzz_runtime_procs)
        [ "$now" -le "$before" ] && break
        sleep 0.02
    done
    [ "$now" -gt "$before" ] && out+="runtime processes $before -> $now "
    printf '%s' "$out"
}

# runtime_procs in one process (it runs twice per case here): `runc init`, or our child
# before execve.
fuzz_runtime_procs() {
    find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$RUNTIME_REAL" 2>/dev/null | wc -l
}
