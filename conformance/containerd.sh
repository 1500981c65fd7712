# shellcheck shell=bash
# Acceptance with containerd: its runc shim (io.containerd.runc.v2) drives the runtime through
# `ctr run --runc-binary`, as containerd and Kubernetes (CRI) do: create with --pid-file and
# --console-socket, start, state, kill, exec --process --detach, pause/resume, delete --force.
# Skipped if containerd or ctr is not installed.
#
# A private containerd (its own --root/--state/--address under $WORK) imports an OCI image
# layout built here from the busybox rootfs: no registry, no network.

ctd() { timeout -k 5 30 ctr --address "$CTD_DIR/containerd.sock" "$@"; }

# ctd_image: an OCI image layout tar of $ROOTFS (one gzip layer), imported as $CTD_IMAGE.
ctd_image() {
    local d=$CTD_DIR/image
    mkdir -p "$d/layout/blobs/sha256"
    tar -C "$ROOTFS" -cf - . | gzip -n >"$d/layer.tgz"
    local layer diffid cfg cfgsize manifest msize
    layer=$(sha256sum "$d/layer.tgz" | cut -d' ' -f1)
    diffid=$(gunzip -c "$d/layer.tgz" | sha256sum | cut -d' ' -f1)
    cp "$d/layer.tgz" "$d/layout/blobs/sha256/$layer"
    printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$diffid" >"$d/config.json"
    cfg=$(sha256sum "$d/config.json" | cut -d' ' -f1); cfgsize=$(stat -c %s "$d/config.json")
    cp "$d/config.json" "$d/layout/blobs/sha256/$cfg"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
        "$cfg" "$cfgsize" "$layer" "$(stat -c %s "$d/layer.tgz")" >"$d/manifest.json"
    manifest=$(sha256sum "$d/manifest.json" | cut -d' ' -f1); msize=$(stat -c %s "$d/manifest.json")
    cp "$d/manifest.json" "$d/layout/blobs/sha256/$manifest"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$d/layout/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s","io.containerd.image.name":"%s"}}]}' \
        "$manifest" "$msize" "$CTD_IMAGE" "$CTD_IMAGE" >"$d/layout/index.json"
    tar -C "$d/layout" -cf "$d/image.tar" .
    ctd images import "$d/image.tar" >"$OUT/ctd-import" 2>&1
}

containerd_tests() {
    AREA=containerd
    if ! command -v containerd >/dev/null 2>&1 || ! command -v ctr >/dev/null 2>&1; then
        skip "containerd acceptance" "containerd/ctr not installed (apt-get install containerd)"
        return
    fi
    CTD_DIR=$WORK/containerd
    CTD_IMAGE=docker.io/library/conformance-busybox:latest
    mkdir -p "$CTD_DIR"
    containerd --root "$CTD_DIR/root" --state "$CTD_DIR/state" --address "$CTD_DIR/containerd.sock" \
        >"$CTD_DIR/containerd.log" 2>&1 &
    local daemon=$! i out=$OUT/ctd rc name=ctd-$$
    for i in $(seq 100); do [ -S "$CTD_DIR/containerd.sock" ] && break; sleep 0.1; done
    if ! ctd_image; then
        fail "containerd: import an OCI image layout" "$(cat "$OUT/ctd-import")"
        kill "$daemon"; wait "$daemon" 2>/dev/null
        return
    fi
    local run=(run --runc-binary "$RUNTIME")

    ctd "${run[@]}" --rm "$CTD_IMAGE" "$name-echo" /bin/echo hi-from-containerd >"$out.echo" 2>&1 </dev/null
    expect_eq "ctr run --rm … echo prints its output" "0 hi-from-containerd" "$? $(cat "$out.echo")"

    ctd "${run[@]}" --rm "$CTD_IMAGE" "$name-exit" /bin/sh -c 'exit 3' >"$out.exit" 2>&1 </dev/null
    expect_eq "ctr run exits with the container's exit status (3)" 3 $? "$(cat "$out.exit")"

    ctd "${run[@]}" -d "$CTD_IMAGE" "$name-d" /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >"$out.d" 2>&1 </dev/null
    expect_ok "ctr run -d starts a task" $? "$(cat "$out.d")"
    ctd task exec --exec-id e1 "$name-d" /bin/sh -c 'echo exec-ok; exit 4' >"$out.exec" 2>&1 </dev/null
    expect_eq "ctr task exec runs in the container with its exit status" "4 exec-ok" "$? $(cat "$out.exec")"
    ctd task pause "$name-d" >/dev/null 2>&1
    expect_match "ctr task pause: the task is PAUSED" "$name-d +[0-9]+ +PAUSED" "$(ctd task ls 2>&1)"
    ctd task resume "$name-d" >/dev/null 2>&1
    expect_match "ctr task resume: the task is RUNNING again" "$name-d +[0-9]+ +RUNNING" "$(ctd task ls 2>&1)"
    ctd task kill "$name-d" >/dev/null 2>&1
    for i in $(seq 50); do ctd task ls 2>/dev/null | grep -Eq "$name-d +[0-9]+ +STOPPED" && break; sleep 0.1; done
    expect_match "ctr task kill (SIGTERM) stops the task" "$name-d +[0-9]+ +STOPPED" "$(ctd task ls 2>&1)"
    ctd task delete "$name-d" >/dev/null 2>&1
    ctd container delete "$name-d" >"$out.del" 2>&1
    expect_ok "ctr task delete and container delete succeed" $? "$(cat "$out.del")"

    if command -v script >/dev/null 2>&1; then
        timeout 30 script -qec "ctr --address '$CTD_DIR/containerd.sock' run --rm -t --runc-binary '$RUNTIME' '$CTD_IMAGE' '$name-t' /bin/sh -c 'tty; echo tty-ok'" /dev/null \
            >"$out.tty" 2>&1 </dev/null
        rc=$?
        expect_match "ctr run -t: the process's stdio is a pty" '/dev/pts/[0-9]+' "$(tr -d '\r' <"$out.tty")" "rc=$rc"
    else
        skip "ctr run -t" "script (util-linux) is missing"
    fi

    ctd task ls 2>/dev/null | awk 'NR > 1 { print $1 }' | while read -r t; do ctd task kill -s KILL "$t"; ctd task delete "$t"; done >/dev/null 2>&1
    ctd containers ls -q 2>/dev/null | while read -r c; do ctd container delete "$c"; done >/dev/null 2>&1
    kill "$daemon" 2>/dev/null
    wait "$daemon" 2>/dev/null
    # The shims and the runtime's state for them live outside $WORK: nothing may be left.
    expect_eq "no containerd shim left running" "" "$(pgrep -f "containerd-shim-runc-v2 .*-address $CTD_DIR/" || true)"
}
