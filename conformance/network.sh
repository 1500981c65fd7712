# shellcheck shell=bash
# Network namespaces that work out of the box, and the bundles/network CNI example.
#
# loopback: runc and crun bring `lo` up in every new network namespace (podman and buildah
#   `--network none` rely on it for 127.0.0.1).
# network: bundles/network's createRuntime hook (cni-hook.sh add) attaches each container's
#   namespace to a bridge with Debian's CNI plugins (bridge + host-local IPAM), its poststop
#   hook (del) releases the address. Two containers on the bridge ping each other. The bridge
#   has no address on the host and nothing is routed: all traffic stays between the two
#   namespaces. Skipped without /usr/lib/cni/bridge (package containernetworking-plugins).

# A process that may ping: busybox ping opens a raw socket.
NET_RAW_CAPS='.process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])'

# Ours brings lo up in stage 0, which makes the network namespace ahead of the plan, or in
# the init when the clone makes it (a user namespace owns it): both ways are run by the suite.
loopback_tests() {
    AREA=loopback
    run_sh lo-up 'ip -o link show lo; ip -o -4 addr show lo' "$NET_RAW_CAPS"
    expect_match "a new network namespace has lo up" '^1: lo: <LOOPBACK,UP,LOWER_UP>' "$STDOUT" "$STDERR"
    expect_match "lo has 127.0.0.1/8" 'inet 127\.0\.0\.1/8' "$STDOUT" "$STDERR"
    run_sh lo-ping 'ping -c 1 -W 2 127.0.0.1 >/dev/null && echo reached' "$NET_RAW_CAPS"
    expect_eq "127.0.0.1 answers inside a new network namespace" reached "$STDOUT" "$STDERR"
    # With a new user namespace, the network namespace must belong to it (its root may then
    # configure lo), and lo is up there too.
    run_sh lo-userns 'ip -o link show lo | grep -o "<LOOPBACK,UP"; ip link set lo down && echo configurable' \
        '.linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .process.capabilities |= with_entries(.value += ["CAP_NET_ADMIN"])'
    expect_eq "a new network namespace made with a user namespace belongs to it, lo up" \
        "<LOOPBACK,UP configurable" "$(echo $STDOUT)" "$STDERR"
}

network_tests() {
    AREA=network
    local cni=/usr/lib/cni hook=$REPO_DIR/bundles/network/cni-hook.sh
    if [ ! -x "$cni/bridge" ] || [ ! -x "$cni/host-local" ]; then
        skip "CNI bundle" "containernetworking-plugins is not installed"
        return
    fi
    # A bridge and an address store of our own (name ≤ 15 characters); the subnet is private
    # and never routed, so parallel runs on other bridges do not meet.
    local bridge=rtc$(($$ % 100000)) conf=$WORK/cni-net.json ipam=$WORK/cni-ipam
    jq -n --arg br "$bridge" --arg dir "$ipam" '{cniVersion: "1.0.0", name: "conformance", type: "bridge",
        bridge: $br, isGateway: false, ipMasq: false,
        ipam: {type: "host-local", ranges: [[{subnet: "10.213.78.0/24"}]], dataDir: $dir}}' >"$conf"
    local b a_id b_id a_ip rc got
    b=$(mkbundle cni "$NET_RAW_CAPS | .hooks = {
            createRuntime: [{path: \$hook, args: [\"cni-hook.sh\", \"add\"], env: [\"CNI_CONF=\" + \$conf], timeout: 10}],
            poststop: [{path: \$hook, args: [\"cni-hook.sh\", \"del\"], env: [\"CNI_CONF=\" + \$conf], timeout: 10}]}
        | .process.args = [\"/bin/sh\", \"-c\", \"ip -4 -o addr show dev eth0 | awk '{print \$4}'; exec sleep 60\"]" \
        --arg hook "$hook" --arg conf "$conf")
    a_id=$(new_id cni-a)
    b_id=$(new_id cni-b)
    ctr_run "$a_id" "$b" -d
    rc=$?
    ctr_run "$b_id" "$b" -d
    rc=$((rc + $?))
    wait_file "$OUT/$a_id.out" 5 '/'
    wait_file "$OUT/$b_id.out" 5 '/'
    a_ip=$(cut -d/ -f1 "$OUT/$a_id.out")
    got="$(cat "$OUT/$a_id.out") $(cat "$OUT/$b_id.out")"
    expect_match "the createRuntime hook gives each container an address on the bridge" \
        '^10\.213\.78\.[0-9]+/24 10\.213\.78\.[0-9]+/24$' "$(echo $got)" "rc=$rc $(cat "$OUT/$a_id.err" "$OUT/$b_id.err")"
    if [ -n "$a_ip" ]; then
        rt exec "$b_id" ping -c 2 -W 2 "$a_ip" >"$OUT/cni-ping" 2>&1 </dev/null
        rc=$?
        expect_match "the second container pings the first across the bridge" '2 packets received' "rc=$rc $(cat "$OUT/cni-ping")"
    else
        fail "the second container pings the first across the bridge" "the first has no address"
    fi
    ctr_delete --force "$a_id"
    ctr_delete --force "$b_id"
    # host-local keeps one file per address it handed out; the poststop DEL removed them.
    got=$(find "$ipam" -type f -name '10.*' 2>/dev/null | tr '\n' ' ')
    expect_eq "the poststop hook released both addresses" "" "$got"
    ip link del "$bridge" >/dev/null 2>&1
}
