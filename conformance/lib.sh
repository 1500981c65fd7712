# shellcheck shell=bash
# Helpers for the conformance suite; sourced by run.sh.
#
# Rules every test follows (they are why these helpers exist):
#  * Every runtime call goes through `rt`, which adds a private --root state dir and a timeout,
#    so a broken runtime can neither hang the suite nor touch anyone else's containers.
#  * A created container inherits the caller's stdout/stderr and keeps them open until it
#    exits. `create`, `run` and `start` are therefore never run inside $(...) or a pipe: their
#    output goes to files (ctr_create/ctr_run do that), and the container's program reports
#    through its stdout file or a bind-mounted host directory.
#  * Every container id is recorded, and the EXIT trap deletes them all with --force.

RUNTIME=${RUNTIME:-runc}
TIMEOUT=${TIMEOUT:-10}
CONF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$CONF_DIR/.." && pwd)

PASSED=0
FAILED=0
SKIPPED=0

# --- results ---------------------------------------------------------------------------

MAX_TIMEOUTS=3

ok() { PASSED=$((PASSED + 1)); echo "ok - $AREA: $1"; }
fail() {
    FAILED=$((FAILED + 1))
    local detail=${2:-}
    detail=$(printf '%s' "$detail" | tr '\n' ' ' | cut -c1-300)
    echo "FAIL - $AREA: $1 ($detail)"
    # A runtime that hangs would make every later check wait for its timeout: give up.
    if [ "$(timeouts)" -ge "$MAX_TIMEOUTS" ]; then
        FAILED=$((FAILED + 1))
        echo "FAIL - suite: aborted, $(timeouts) runtime calls timed out after ${TIMEOUT}s: $(tr '\n' ';' <"$WORK/timeouts")"
        summary
        exit 1
    fi
}
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip - $AREA: $1 (${2:-})"; }

summary() {
    if [ "$SKIPPED" -gt 0 ]; then
        echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
    else
        echo "$PASSED passed, $FAILED failed"
    fi
}

timeouts() { if [ -f "$WORK/timeouts" ]; then wc -l <"$WORK/timeouts"; else echo 0; fi; }

# expect_eq NAME EXPECTED ACTUAL [CONTEXT]
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$2', got '$3'${4:+; $4}"; fi
}
# expect_match NAME REGEX ACTUAL [CONTEXT]   (grep -E on the whole text)
expect_match() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else fail "$1" "wanted /$2/, got '$3'${4:+; $4}"; fi
}
expect_nomatch() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then fail "$1" "did not want /$2/, got '$3'${4:+; $4}"; else ok "$1"; fi
}
# expect_fail NAME RC [CONTEXT]: the runtime call must have returned non-zero (and not timed out)
expect_fail() {
    if [ "$2" -eq 124 ] || [ "$2" -eq 137 ]; then fail "$1" "timed out${3:+; $3}";
    elif [ "$2" -ne 0 ]; then ok "$1"; else fail "$1" "exit 0, wanted an error${3:+; $3}"; fi
}
expect_ok() {
    if [ "$2" -eq 0 ]; then ok "$1"; else fail "$1" "exit $2${3:+; $3}"; fi
}

# jq_true JSON FILTER [jq args]: FILTER holds on JSON (jq 1.6 -e exits 0 on empty input,
# so empty input is rejected here first).
jq_true() {
    local json=$1 filter=$2
    shift 2
    [ -n "$json" ] && jq -e "$@" "$filter" >/dev/null 2>&1 <<<"$json"
}

# --- setup / teardown -----------------------------------------------------------------

setup() {
    if ! command -v "$RUNTIME" >/dev/null 2>&1; then
        echo "conformance: RUNTIME=$RUNTIME not found" >&2
        exit 2
    fi
    case $RUNTIME in
    */*) RUNTIME=$(cd "$(dirname "$RUNTIME")" && pwd)/$(basename "$RUNTIME") ;; # tests cd around
    *) RUNTIME=$(command -v "$RUNTIME") ;;
    esac
    RUNTIME_REAL=$(readlink -f "$RUNTIME")
    for tool in jq timeout; do
        command -v $tool >/dev/null 2>&1 || { echo "conformance: $tool is required" >&2; exit 2; }
    done
    WORK=$(mktemp -d /tmp/conformance.XXXXXX)
    chmod 755 "$WORK"
    STATE=$WORK/state
    OUT=$WORK/out
    mkdir -p "$STATE" "$OUT" "$WORK/b"
    : >"$WORK/ids"
    trap teardown EXIT
    trap 'exit 130' INT TERM

    # One shared rootfs for nearly every test; bundles point at it with an absolute root.path.
    "$REPO_DIR/bundles/mkrootfs.sh" "$WORK/base" || exit 2
    ROOTFS=$WORK/base/rootfs
    echo conformance-rootfs >"$ROOTFS/rootfs-marker"
    mkdir -p "$ROOTFS/masked-dir" "$ROOTFS/cmnt" "$ROOTFS/ro" "$ROOTFS/shared" "$ROOTFS/m"
    echo secret >"$ROOTFS/masked-dir/file"
    echo secret >"$ROOTFS/masked-file"

    BASE_CONFIG=$WORK/base-config.json
    jq --arg root "$ROOTFS" '.root.path = $root' "$REPO_DIR/bundles/hello/config.json" >"$BASE_CONFIG"
    HOST_MARKER=$WORK/host-only-marker
    echo host >"$HOST_MARKER"
    SEQ=0
}

teardown() {
    local id
    # Background `run`s first, so they do not recreate anything while we delete.
    jobs -p | xargs -r kill 2>/dev/null
    local slow=0 start
    while read -r id; do
        [ -n "$id" ] || continue
        start=$SECONDS
        timeout -k 2 5 "$RUNTIME" --root "$STATE" delete --force "$id" >/dev/null 2>&1
        if [ $((SECONDS - start)) -ge 5 ]; then
            slow=$((slow + 1))
            [ $slow -ge 3 ] && { echo "conformance: delete keeps timing out; containers may be left in $STATE" >&2; break; }
        fi
    done <"$WORK/ids"
    # Anything the runtime still lists (ids we did not expect to exist).
    for id in $(timeout 5 "$RUNTIME" --root "$STATE" list --format json 2>/dev/null | jq -r '.[]?.id' 2>/dev/null); do
        timeout -k 2 5 "$RUNTIME" --root "$STATE" delete --force "$id" >/dev/null 2>&1
    done
    wait 2>/dev/null
    # Mounts must never leak to the host; if a broken runtime leaked some, do not rm -rf through them.
    if grep -q " $WORK/" /proc/self/mountinfo; then
        echo "conformance: mounts under $WORK leaked to the host; left $WORK in place" >&2
        grep " $WORK/" /proc/self/mountinfo >&2
    else
        rm -rf "$WORK"
    fi
}

# --- runtime calls ---------------------------------------------------------------------

rt() {
    local start=$SECONDS rc
    timeout -k 3 "$TIMEOUT" "$RUNTIME" --root "$STATE" "$@"
    rc=$?
    # 124: timed out; 137: had to be SIGKILLed after the timeout (or the container was killed,
    # hence the elapsed-time test).
    if { [ $rc -eq 124 ] || [ $rc -eq 137 ]; } && [ $((SECONDS - start)) -ge "$TIMEOUT" ]; then
        echo "$1 ${*: -1}" >>"$WORK/timeouts"
    fi
    return $rc
}

# new_id NAME -> prints a unique container id and records it for cleanup
new_id() {
    SEQ=$((SEQ + 1))
    local id="ct$$-$SEQ-$1"
    echo "$id" >>"$WORK/ids"
    printf '%s' "$id"
}

# mkbundle NAME [JQ_FILTER [jq args...]]: a bundle dir whose config is the base config
# (bundles/hello with an absolute root.path) edited by JQ_FILTER. Prints the bundle path.
mkbundle() {
    local name=$1 filter=${2:-.}
    shift 2 2>/dev/null || shift
    local dir=$WORK/b/$name
    mkdir -p "$dir"
    jq "$@" "$filter" "$BASE_CONFIG" >"$dir/config.json" || { echo "mkbundle: bad filter for $name" >&2; return 1; }
    printf '%s' "$dir"
}

# args_sh SCRIPT: jq filter fragment setting process.args to sh -c SCRIPT (pass with --arg s)
ARGS_SH='.process.args = ["/bin/sh", "-c", $s]'

# ctr_run ID BUNDLE [run flags...]: foreground run; the container's stdout/stderr land in
# $OUT/ID.out and $OUT/ID.err. Returns run's exit code.
ctr_run() {
    local id=$1 bundle=$2
    shift 2
    rt run "$@" --bundle "$bundle" "$id" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
}

# ctr_create ID BUNDLE [create flags...]
ctr_create() {
    local id=$1 bundle=$2
    shift 2
    rt create "$@" --bundle "$bundle" "$id" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
}

# Calls whose output we may want, but which must still never hold a pipe open.
ctr_start() { rt start "$1" >>"$OUT/$1.start" 2>&1 </dev/null; }
ctr_kill() { rt kill "$@" >>"$OUT/$1.kill" 2>&1 </dev/null; }
ctr_delete() { rt delete "$@" >>"$OUT/${*: -1}.delete" 2>&1 </dev/null; }

# run_sh NAME SCRIPT [JQ_FILTER [jq args]]: build a bundle whose process is `sh -c SCRIPT`,
# run it in the foreground, then delete it. Sets RC, STDOUT, STDERR, ID.
run_sh() {
    local name=$1 script=$2 filter=${3:-.}
    shift 3 2>/dev/null || shift $#
    local bundle
    bundle=$(mkbundle "$name" "$ARGS_SH | $filter" --arg s "$script" "$@") || { RC=99; STDOUT=; STDERR="bad bundle"; return; }
    ID=$(new_id "$name")
    ctr_run "$ID" "$bundle"
    RC=$?
    STDOUT=$(cat "$OUT/$ID.out")
    STDERR=$(cat "$OUT/$ID.err")
    ctr_delete --force "$ID"
}

state_json() { rt state "$1" 2>/dev/null </dev/null; }
status_of() { state_json "$1" | jq -r '.status' 2>/dev/null; }
pid_of() { state_json "$1" | jq -r '.pid // 0' 2>/dev/null; }

# wait_status ID STATUS [SECONDS]: poll until state says STATUS
wait_status() {
    local i n=$(((${3:-5}) * 50))
    for ((i = 0; i < n; i++)); do
        [ "$(status_of "$1")" = "$2" ] && return 0
        sleep 0.02
    done
    return 1
}

# wait_file FILE [SECONDS] [PATTERN]: poll until FILE exists (and contains PATTERN)
wait_file() {
    local i n=$(((${2:-5}) * 50))
    for ((i = 0; i < n; i++)); do
        if [ -s "$1" ] && { [ -z "${3:-}" ] || grep -q -- "$3" "$1"; }; then return 0; fi
        sleep 0.02
    done
    return 1
}

# script_typed OUT INPUT CMD: CMD under script(1), a terminal of its own, its output in OUT;
# INPUT is typed only once OUT shows the process's pty (/dev/pts/N), i.e. once the runtime's
# relay is up. Typed earlier, it would be echoed by script's terminal, still in cooked mode,
# into the middle of the output. Returns CMD's exit code.
script_typed() {
    local out=$1 input=$2 cmd=$3 fifo=$WORK/typed.$RANDOM w job rc
    mkfifo "$fifo"
    timeout -k 3 "$TIMEOUT" script -qec "$cmd" /dev/null <"$fifo" >"$out" 2>&1 &
    job=$!
    exec {w}>"$fifo"
    wait_file "$out" 5 '/dev/pts/'
    printf '%s\n' "$input" >&"$w"
    exec {w}>&-
    wait "$job"
    rc=$?
    rm -f "$fifo"
    return $rc
}

# Number of processes running the runtime's own executable (runc's `runc init`, or ours,
# re-executed from a read-only bind mount of the same file: compared by device and inode):
# a failed create must not leave one behind.
runtime_procs() {
    local p n=0 want
    want=$(stat -Lc '%d:%i' "$RUNTIME_REAL")
    for p in /proc/[0-9]*; do
        [ "$(stat -Lc '%d:%i' "$p/exe" 2>/dev/null)" = "$want" ] && n=$((n + 1))
    done
    echo $n
}

# state_dir_entries: names in the private state dir (a failed create must leave none)
state_dir_entries() { ls -A "$STATE" 2>/dev/null | tr '\n' ' '; }

# cgroup_file PID CONTROLLER FILE: host path of FILE in PID's cgroup for CONTROLLER,
# on cgroup v1 (/sys/fs/cgroup/<ctrl>/...) or v2 (unified or pure), whichever holds it.
cgroup_file() {
    local pid=$1 ctrl=$2 file=$3 line path
    line=$(grep -E "^[0-9]+:([^:]*,)?$ctrl(,[^:]*)?:" "/proc/$pid/cgroup" 2>/dev/null | head -1)
    if [ -n "$line" ]; then
        path=${line#*:*:}
        for mnt in /sys/fs/cgroup/$ctrl /sys/fs/cgroup/*$ctrl*; do
            [ -e "$mnt$path/$file" ] && { echo "$mnt$path/$file"; return 0; }
        done
    fi
    line=$(grep -E '^0::' "/proc/$pid/cgroup" 2>/dev/null | head -1)
    path=${line#0::}
    for mnt in /sys/fs/cgroup/unified /sys/fs/cgroup; do
        [ -n "$line" ] && [ -e "$mnt$path/$file" ] && { echo "$mnt$path/$file"; return 0; }
    done
    return 1
}
