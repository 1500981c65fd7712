# shellcheck shell=bash
# sd_notify pass-through (runc's behaviour, relied on by systemd units of Type=notify that run
# a container): with NOTIFY_SOCKET set for the runtime, the container gets NOTIFY_SOCKET of its
# own, and `start` relays its READY=1 to the host's socket before it returns.
#
# The container needs a program that can send a datagram: the host's python3, bind-mounted
# read-only with /usr. Skipped without python3.

notify_tests() {
    AREA=notify
    if ! [ -x /usr/bin/python3 ]; then
        skip "NOTIFY_SOCKET relay" "needs /usr/bin/python3"
        return
    fi
    local dir=$WORK/notify id bundle rc got
    mkdir -p "$dir"
    cp -a "$ROOTFS" "$dir/rootfs"
    rm -rf "$dir/rootfs/lib" "$dir/rootfs/lib64"
    bundle=$(mkbundle notify '.root.path = $r | .process.args = ["/usr/bin/python3", "-c", $py]
        | .mounts += [{destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"]},
                      {destination: "/lib", type: "bind", source: "/usr/lib", options: ["rbind", "ro"]},
                      {destination: "/lib64", type: "bind", source: "/usr/lib64", options: ["rbind", "ro"]}]' \
        --arg r "$dir/rootfs" \
        --arg py 'import os, socket, time
print("inside:", os.environ.get("NOTIFY_SOCKET", "unset"), flush=True)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])
time.sleep(3)')
    # The host's socket: a python listener that records datagrams until one says READY=1.
    /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(15)
got = ""
while "READY=1" not in got.split("\n"):
    got += s.recv(4096).decode() + "\n"
open(sys.argv[2], "w").write(got)' "$dir/host.sock" "$dir/host.got" &
    local listener=$!
    for _ in $(seq 50); do [ -S "$dir/host.sock" ] && break; sleep 0.1; done

    id=$(new_id notify)
    NOTIFY_SOCKET=$dir/host.sock ctr_create "$id" "$bundle"
    rc=$?
    if [ $rc -ne 0 ]; then
        fail "create with NOTIFY_SOCKET" "rc=$rc $(cat "$OUT/$id.err")"
        kill "$listener" 2>/dev/null
        return
    fi
    NOTIFY_SOCKET=$dir/host.sock ctr_start "$id"
    rc=$?
    # The listener writes what it got a moment after it arrives: allow it 2 s.
    wait_file "$dir/host.got" 2
    got=$(cat "$dir/host.got" 2>/dev/null)
    if [ $rc -eq 0 ] && printf '%s\n' "$got" | grep -qx 'READY=1'; then
        ok "start relays the container's READY=1 to the host's NOTIFY_SOCKET"
    else
        fail "start relays the container's READY=1 to the host's NOTIFY_SOCKET" "rc=$rc got='$got' $(cat "$OUT/$id.start" "$OUT/$id.out" 2>/dev/null)"
    fi
    expect_match "the container's NOTIFY_SOCKET is set to a socket of its own" '^inside: /' "$(cat "$OUT/$id.out")"
    expect_nomatch "the host's socket path is not handed to the container" "$dir/host.sock" "$(cat "$OUT/$id.out")"
    ctr_delete --force "$id"
    kill "$listener" 2>/dev/null
    wait "$listener" 2>/dev/null
}
