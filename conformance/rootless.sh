# shellcheck shell=bash
# Rootless containers: an unprivileged user runs `spec --rootless` and `run` with its own
# rootfs and state dir; the container's root is that user, mapped through a user namespace
# (config-linux.md uidMappings/gidMappings).
#
# Uses (and, if missing, creates with useradd -m) the host user $ROOTLESS_USER. Skipped if su
# or useradd is unavailable.

ROOTLESS_USER=${ROOTLESS_USER:-ocirootless}

# as_user CMD: run the sh command CMD as $ROOTLESS_USER, with a timeout
as_user() {
    timeout -k 3 "$TIMEOUT" su "$ROOTLESS_USER" -s /bin/sh -c "$1"
}

rootless_tests() {
    AREA=rootless
    if ! command -v su >/dev/null 2>&1; then
        skip "rootless checks" "su is not available"
        return
    fi
    if ! id "$ROOTLESS_USER" >/dev/null 2>&1; then
        if ! command -v useradd >/dev/null 2>&1 || ! useradd -m -s /bin/sh "$ROOTLESS_USER" >/dev/null 2>&1; then
            skip "rootless checks" "cannot create the user $ROOTLESS_USER"
            return
        fi
    fi
    local uid gid dir rc id out
    uid=$(id -u "$ROOTLESS_USER")
    gid=$(id -g "$ROOTLESS_USER")
    if ! as_user "test -x '$RUNTIME'" </dev/null; then
        skip "rootless checks" "$ROOTLESS_USER cannot execute $RUNTIME"
        return
    fi

    dir=$WORK/rootless
    mkdir -p "$dir/bundle" "$dir/state"
    cp -a "$ROOTFS" "$dir/bundle/rootfs"
    chown -R "$uid:$gid" "$dir"
    chmod 700 "$dir/state"

    as_user "cd '$dir/bundle' && '$RUNTIME' spec --rootless" >"$OUT/rootless-spec.out" 2>&1 </dev/null
    rc=$?
    if [ $rc -eq 0 ] && jq_true "$(cat "$dir/bundle/config.json" 2>/dev/null)" \
        '(.linux.namespaces | map(.type) | index("user")) != null and (.linux.uidMappings[0] | .containerID == 0 and .hostID == $u and .size == 1)' \
        --argjson u "$uid"; then
        ok "spec --rootless (as the user): a user namespace mapping the user's uid to 0"
    else
        fail "spec --rootless (as the user): a user namespace mapping the user's uid to 0" "rc=$rc $(cat "$OUT/rootless-spec.out") $(jq -c .linux "$dir/bundle/config.json" 2>&1)"
        return
    fi

    # The generated config, with a program that reports, a writable root and no tty.
    jq '.process.terminal = false | .root.readonly = false
        | .process.args = ["/bin/sh", "-c", "id; cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/made-inside"]' \
        "$dir/bundle/config.json" >"$dir/bundle/config.json.new" && mv "$dir/bundle/config.json.new" "$dir/bundle/config.json"
    chown "$uid:$gid" "$dir/bundle/config.json"

    id=rootless-$$
    out=$OUT/$id
    as_user "cd '$dir/bundle' && exec '$RUNTIME' --root '$dir/state' run $id" >"$out.out" 2>"$out.err" </dev/null
    rc=$?
    local got
    got=$(cat "$out.out")
    expect_eq "run as an unprivileged user succeeds" 0 "$rc" "$(cat "$out.err")"
    expect_match "the process is root inside (id: uid=0 gid=0)" '^uid=0\(root\) gid=0\(root\)' "$(sed -n 1p <<<"$got")" "$(cat "$out.err")"
    expect_eq "uid_map and gid_map map the user's ids to 0, size 1" "0 $uid 1 0 $gid 1" "$(sed -n 2,3p <<<"$got" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')" "$got"
    expect_eq "a file root creates inside is owned by the user on the host" "$uid:$gid" "$(stat -c %u:%g "$dir/bundle/rootfs/tmp/made-inside" 2>&1)"
    if [ -z "$(ls -A "$dir/state" 2>/dev/null)" ]; then
        ok "run cleans up its state in the user's --root"
    else
        fail "run cleans up its state in the user's --root" "left: $(ls -A "$dir/state")"
    fi
    timeout -k 2 5 "$RUNTIME" --root "$dir/state" delete --force "$id" >/dev/null 2>&1 </dev/null

    # The child must stay readable by its unprivileged parent until the id maps are written
    # (it used to make itself non-dumpable first, failing ~5% of runs): many runs in a row.
    jq '.process.args = ["/bin/true"]' "$dir/bundle/config.json" >"$dir/bundle/config.json.new" &&
        mv "$dir/bundle/config.json.new" "$dir/bundle/config.json"
    chown "$uid:$gid" "$dir/bundle/config.json"
    local runs=${ROOTLESS_RACE_RUNS:-300}
    out=$(timeout -k 3 300 su "$ROOTLESS_USER" -s /bin/sh -c "cd '$dir/bundle' || exit 1
        i=0
        while [ \$i -lt $runs ]; do
            i=\$((i + 1))
            '$RUNTIME' --root '$dir/state' run race-$$-\$i >/dev/null 2>'$dir/race.err' </dev/null || { echo \"run \$i failed: \$(cat '$dir/race.err')\"; exit 1; }
        done
        echo \$i runs" 2>&1 </dev/null)
    expect_eq "$runs rootless runs in a row all succeed" "$runs runs" "$out"

    # Without --root, the state goes under $XDG_RUNTIME_DIR (the user's, not /run).
    local xdg=$dir/xdg found
    mkdir -p "$xdg"
    chown "$uid:$gid" "$xdg"
    chmod 700 "$xdg"
    jq '.process.args = ["/bin/sleep", "30"]' "$dir/bundle/config.json" >"$dir/bundle/config.json.new" &&
        mv "$dir/bundle/config.json.new" "$dir/bundle/config.json"
    chown "$uid:$gid" "$dir/bundle/config.json"
    id=rootless-xdg-$$
    as_user "cd '$dir/bundle' && XDG_RUNTIME_DIR='$xdg' exec '$RUNTIME' run -d $id" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
    rc=$?
    found=$(find "$xdg" -type d -name "$id" 2>/dev/null | head -1)
    if [ $rc -eq 0 ] && [ -n "$found" ] && [ "$(stat -c %u "$found")" = "$uid" ]; then
        ok "without --root, the state is kept under \$XDG_RUNTIME_DIR, owned by the user"
    else
        fail "without --root, the state is kept under \$XDG_RUNTIME_DIR, owned by the user" "rc=$rc found='$found' $(cat "$OUT/$id.err")"
    fi
    as_user "XDG_RUNTIME_DIR='$xdg' '$RUNTIME' state $id" >"$OUT/$id.state" 2>&1 </dev/null
    expect_eq "state (as the user, same \$XDG_RUNTIME_DIR) reports it running" running "$(jq -r .status "$OUT/$id.state" 2>/dev/null)" "$(cat "$OUT/$id.state")"
    as_user "XDG_RUNTIME_DIR='$xdg' '$RUNTIME' delete --force $id" >"$OUT/$id.delete" 2>&1 </dev/null
    expect_ok "delete --force (as the user) removes it" $? "$(cat "$OUT/$id.delete")"
    [ -n "$found" ] && timeout -k 2 5 "$RUNTIME" --root "$(dirname "$found")" delete --force "$id" >/dev/null 2>&1 </dev/null
}
