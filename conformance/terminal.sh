# shellcheck shell=bash
# process.terminal and process.consoleSize (config.md), /dev/console (config-linux.md default
# devices), delivered the runc way: the pty master is sent over --console-socket.
#
# Receiving a file descriptor (SCM_RIGHTS) needs more than a shell: a few lines of python3.
# Without python3 the checks are skipped.

# console_recv SOCKET OUTFILE: accept one connection, take the pty master it carries, and copy
# what the container writes to OUTFILE until the pty closes (or 10 s pass).
console_recv() {
    python3 - "$1" "$2" <<'EOF'
import array, os, select, socket, sys, time
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(10)
conn, _ = srv.accept()
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(16))
fds = array.array("i")
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
if not fds:
    open(out, "w").write("NO-FD-RECEIVED\n")
    sys.exit(1)
master, buf, deadline = fds[0], b"", time.time() + 10
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.2)
    if not ready:
        continue
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: the container side of the pty is closed
        break
    if not data:
        break
    buf += data
open(out, "wb").write(buf.replace(b"\r", b""))
EOF
}

terminal_tests() {
    AREA=terminal
    if ! command -v python3 >/dev/null 2>&1; then
        skip "process.terminal checks" "python3 is needed to receive the console fd"
        return
    fi
    local b id sock out rc
    b=$(mkbundle terminal "$ARGS_SH"' | .process.terminal = true | .process.consoleSize = {height: 33, width: 101}' \
        --arg s 'tty; test -c /dev/console && echo console-ok; stty size')
    id=$(new_id terminal)
    sock=$WORK/console.sock
    out=$OUT/$id.tty
    console_recv "$sock" "$out" &
    local recv=$!
    local i
    for ((i = 0; i < 100; i++)); do [ -S "$sock" ] && break; sleep 0.02; done
    ctr_create "$id" "$b" --console-socket "$sock"
    rc=$?
    if [ $rc -eq 0 ]; then ctr_start "$id"; fi
    wait_status "$id" stopped 5
    timeout 10 tail --pid=$recv -f /dev/null 2>/dev/null
    kill $recv 2>/dev/null
    wait $recv 2>/dev/null
    local got
    got=$(cat "$out" 2>/dev/null)
    expect_match "terminal true: the process's stdio is a pty (master sent to --console-socket)" '^/dev/pts/[0-9]+$' "$(sed -n 1p <<<"$got")" "rc=$rc $(cat "$OUT/$id.err")"
    expect_eq "terminal true: /dev/console is a character device" console-ok "$(sed -n 2p <<<"$got")" "$got"
    expect_eq "process.consoleSize sets the terminal size" "33 101" "$(sed -n 3p <<<"$got")" "$got"
    ctr_delete --force "$id"

    # Foreground `run` with terminal true and no console socket: the runtime relays between
    # its own terminal (given here by script(1)) and the container's pty, and exits with the
    # container's code.
    if command -v script >/dev/null 2>&1; then
        b=$(mkbundle terminal-run "$ARGS_SH"' | .process.terminal = true' --arg s 'tty; read line; echo "got:$line"; exit 5')
        id=$(new_id termrun)
        script_typed "$OUT/$id.script" relayed-input "'$RUNTIME' --root '$STATE' run --bundle '$b' '$id'"
        rc=$?
        got=$(tr -d '\r' <"$OUT/$id.script")
        expect_match "run with terminal true and no --console-socket: stdio is a pty" '^/dev/pts/[0-9]+$' "$got"
        expect_match "the runtime relays its terminal's input to the container's pty" '^got:relayed-input$' "$got"
        expect_eq "run through the relay exits with the container's code" 5 "$rc" "$got"
        ctr_delete --force "$id"

        # A non-root process owns its pty; the group stays the tty group devpts gives it
        # (gid=5 in the config), as runc leaves it. And stdin need not be the terminal:
        # the runtime relays from whichever of its stdio (or /dev/tty) is one.
        b=$(mkbundle terminal-owner "$ARGS_SH"' | .process.terminal = true | .process.user = {uid: 1000, gid: 100}
            | .mounts |= map(if .type == "devpts" then .options = ((.options // []) - ["gid=5"] + ["gid=5"]) else . end)' \
            --arg s 'stat -c %u:%g "$(tty)"')
        id=$(new_id termowner)
        timeout -k 3 "$TIMEOUT" script -qec "'$RUNTIME' --root '$STATE' run --bundle '$b' '$id' </dev/null" /dev/null \
            >"$OUT/$id.script" 2>&1
        got=$(tr -d '\r' <"$OUT/$id.script")
        expect_eq "a non-root process owns its pty, whose group stays the tty group (stdin not a terminal)" "1000:5" "$got"
        ctr_delete --force "$id"

        # A read-only /dev (runc's mounts.bats): /dev/console is still bound to the pty.
        b=$(mkbundle terminal-rodev "$ARGS_SH"' | .process.terminal = true
            | .mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)' \
            --arg s 'test -c /dev/console && echo console-ok; touch /dev/x 2>/dev/null || echo dev-ro')
        id=$(new_id termrodev)
        timeout -k 3 "$TIMEOUT" script -qec "'$RUNTIME' --root '$STATE' run --bundle '$b' '$id'" /dev/null >"$OUT/$id.script" 2>&1
        # (runc's relay echoes a NUL byte back as "^@" first)
        got=$(tr -d '\r' <"$OUT/$id.script" | tr '\n' ' ' | sed 's/\^@//g; s/ $//')
        expect_eq "terminal true with a read-only /dev: /dev/console is the pty, /dev stays read-only" "console-ok dev-ro" "$got"
        ctr_delete --force "$id"

        # SIGTERM to a foreground `run` that relays a terminal goes to the container, which
        # exits; run reaps it, cleans up and leaves no process behind.
        local x=$WORK/termsig pid spid
        mkdir -p "$x"
        b=$(mkbundle terminal-sig "$ARGS_SH"' | .process.terminal = true
            | .mounts += [{destination: "/x", type: "bind", source: $x, options: ["rbind", "rw"]}]' \
            --arg s 'trap "echo got-term; exit 7" TERM; echo ready >/x/ready; while :; do sleep 0.1; done' --arg x "$x")
        id=$(new_id termsig)
        sleep 30 | timeout -k 3 20 script -qec "'$RUNTIME' --root '$STATE' run --bundle '$b' '$id'" /dev/null >"$OUT/$id.script" 2>&1 &
        spid=$!
        wait_file "$x/ready" 5
        pid=$(pgrep -f -- "run --bundle $b $id" | head -1)
        [ -n "$pid" ] && kill -TERM "$pid"
        wait $spid 2>/dev/null
        rc=$?
        got=$(tr -d '\r' <"$OUT/$id.script")
        expect_match "SIGTERM to run with a relayed terminal reaches the container" 'got-term' "$got" "rc=$rc"
        expect_eq "… run exits with the container's code" 7 "$rc" "$got"
        expect_eq "… and nothing of it is left" "" "$(state_json "$id")"
        ctr_delete --force "$id"
    else
        skip "run with a relayed terminal" "script (util-linux) is missing"
    fi
}
