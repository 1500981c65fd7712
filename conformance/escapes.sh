# shellcheck shell=bash
# Escapes: each check performs a real attack from a hostile container, image or config and
# expects it to fail. The runtime binary under attack is a copy (RUNTIME is switched to it
# for this area), so a runtime that is still vulnerable destroys the copy, not itself.

ESC_CAPS_PTRACE='.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'

# Mount a host directory at /x in the container, for files the attack and the test share.
esc_mount_x() { printf '.mounts += [{"destination": "/x", "type": "bind", "source": "%s", "options": ["rbind", "rw"]}]' "$1"; }

escapes_tests() {
    AREA=escapes
    local saved=$RUNTIME saved_real=$RUNTIME_REAL copy
    copy=$WORK/runtime-under-attack
    cp "$RUNTIME_REAL" "$copy" && chmod 755 "$copy"
    RUNTIME=$copy
    RUNTIME_REAL=$copy
    esc_exe_through_exec "$copy" "$saved_real"
    esc_exe_of_created_init "$copy" "$saved_real"
    esc_init_fds
    esc_mounts_over_proc
    esc_device_through_volume
    esc_hostile_passwd
    esc_no_pivot_proc
    esc_signals_during_run
    RUNTIME=$saved
    RUNTIME_REAL=$saved_real
}

# The attacker's half: find the process named $1, hold its executable, kill it, then write
# through the held file. Prints WRITTEN, REFUSED or what went wrong.
ESC_GRAB='pid=""
for i in $(seq 100); do
  for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = "$1" ] && pid=${p#/proc/}; done
  [ -n "$pid" ] && break; sleep 0.05
done
[ -n "$pid" ] || { echo nopid; exit 0; }
exec 3<"/proc/$pid/exe" || { echo noopen; exit 0; }
kill -9 "$pid"; sleep 0.3
if echo PWNED 2>/dev/null >/proc/self/fd/3; then echo WRITTEN; else echo REFUSED; fi'

# CVE-2019-5736 class: /bin/evil -> /proc/self/exe run with `exec` makes the exec'd process
# the runtime's own image, in the container, as an ordinary (dumpable) process. Its stdout is
# a full pipe, so it blocks in its first write while the attacker takes its executable.
esc_exe_through_exec() {
    local copy=$1 orig=$2 name evil bundle id fifo fd out
    name=evil$$
    evil=$ROOTFS/bin/$name
    ln -sf /proc/self/exe "$evil"
    bundle=$(mkbundle esc-exec '.process.args = ["sleep", "30"]')
    id=$(new_id esc-exec)
    ctr_create "$id" "$bundle" && ctr_start "$id" || { fail "exec'd /proc/self/exe: container starts" "$(cat "$OUT/$id.err")"; rm -f "$evil"; return; }
    fifo=$WORK/esc-full-pipe
    mkfifo "$fifo"
    exec {fd}<>"$fifo"
    head -c 65536 /dev/zero >&"$fd"
    rt exec -d "$id" "/bin/$name" >&"$fd" 2>&"$fd" </dev/null
    out=$(rt exec "$id" sh -c "$ESC_GRAB" sh "$name" 2>&1 </dev/null)
    exec {fd}>&-
    # runc's image is dynamically linked: it cannot even start in the busybox rootfs (nopid).
    local want='^(REFUSED|noopen)$'
    esc_is_runc && want='^(REFUSED|noopen|nopid)$'
    expect_match "exec'd /proc/self/exe: the runtime image cannot be written from the container" "$want" "$out"
    if cmp -s "$copy" "$orig"; then ok "exec'd /proc/self/exe: the runtime binary is unchanged"
    else fail "exec'd /proc/self/exe: the runtime binary is unchanged" "it was overwritten"; cp "$orig" "$copy"; fi
    ctr_delete --force "$id"
    rm -f "$evil"
}

# With CAP_SYS_PTRACE a container process reaches the created, not yet started init's
# executable; after `start` the init has exec'd, and the held file must not be writable.
esc_exe_of_created_init() {
    local copy=$1 orig=$2 dir bundle id script
    dir=$WORK/esc-init
    mkdir -p "$dir"
    bundle=$(mkbundle esc-init ".process.args = [\"sleep\", \"30\"] | $ESC_CAPS_PTRACE | $(esc_mount_x "$dir")")
    id=$(new_id esc-init)
    ctr_create "$id" "$bundle" || { fail "created init: create" "$(cat "$OUT/$id.err")"; return; }
    script='exec 3</proc/1/exe || { echo noopen >/x/result; exit 0; }
echo held >/x/held
while [ ! -e /x/go ]; do sleep 0.05; done; sleep 0.3
if echo PWNED 2>/dev/null >/proc/self/fd/3; then echo WRITTEN >/x/result; else echo REFUSED >/x/result; fi'
    rt exec -d "$id" sh -c "$script" >/dev/null 2>&1 </dev/null
    wait_file "$dir/held" 5 || wait_file "$dir/result" 1
    ctr_start "$id"
    touch "$dir/go"
    wait_file "$dir/result" 5
    expect_match "created init (CAP_SYS_PTRACE): its executable cannot be written after start" '^(REFUSED|noopen)$' "$(cat "$dir/result" 2>/dev/null)"
    if cmp -s "$copy" "$orig"; then ok "created init (CAP_SYS_PTRACE): the runtime binary is unchanged"
    else fail "created init (CAP_SYS_PTRACE): the runtime binary is unchanged" "it was overwritten"; cp "$orig" "$copy"; fi
    ctr_delete --force "$id"
}

# The waiting init may hold nothing that leads out of the container: no directory fd (from
# which openat walks the host), only stdio and the exec fifo itself.
esc_init_fds() {
    local bundle id out
    bundle=$(mkbundle esc-fds ".process.args = [\"sleep\", \"30\"] | $ESC_CAPS_PTRACE")
    id=$(new_id esc-fds)
    ctr_create "$id" "$bundle" || { fail "waiting init's fds: create" "$(cat "$OUT/$id.err")"; return; }
    out=$(rt exec "$id" sh -c 'for f in /proc/1/fd/*; do [ -d "$f" ] && echo "dir $f"; ls "$f/" >/dev/null 2>&1 && echo "walk $f"; done; echo checked' 2>&1 </dev/null)
    expect_eq "waiting init (CAP_SYS_PTRACE) holds no directory fd" "checked" "$out"
    ctr_delete --force "$id"
}

esc_is_runc() { "$RUNTIME" --version 2>/dev/null | grep -q '^runc'; }

# Only a proc mount may land on /proc, and nothing inside it: a volume on a symlink that
# leads there would cover procfs or /proc/sys and undo masked and read-only paths.
esc_mounts_over_proc() {
    local name link target bundle id rc vol=$WORK/esc-proc-volume
    mkdir -p "$vol"
    for target in /proc /proc/sys; do
        name=esc-proc-$(basename "$target")
        link=escproc-$$-$(basename "$target")
        ln -sfn "$target" "$ROOTFS/$link"
        bundle=$(mkbundle "$name" '.mounts += [{"destination": $d, "type": "bind", "source": $v, "options": ["rbind", "rw"]}]' --arg d "/$link" --arg v "$vol")
        id=$(new_id "$name")
        ctr_create "$id" "$bundle"
        rc=$?
        expect_fail "a volume on /$link -> $target is refused" $rc
        expect_eq "a refused mount over $target leaves no state" "" "$(state_dir_entries)"
        [ $rc -eq 0 ] && ctr_delete --force "$id"
        rm -f "$ROOTFS/$link"
    done
    # runc 1.1 checks bind mounts only.
    if esc_is_runc; then skip "a tmpfs on /proc/sys is refused" "runc 1.1 checks bind mounts only"; return; fi
    bundle=$(mkbundle esc-proc-direct '.mounts += [{"destination": "/proc/sys", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]}]')
    id=$(new_id esc-proc-direct)
    ctr_create "$id" "$bundle"
    rc=$?
    expect_fail "a tmpfs on /proc/sys is refused" $rc
    [ $rc -eq 0 ] && ctr_delete --force "$id"
}

# A device whose path runs through a symlink inside a bind-mounted volume must be created
# inside the rootfs; the host file the symlink names stays as it was.
esc_device_through_volume() {
    local vol victim bundle id
    vol=$WORK/esc-volume
    victim=$WORK/esc-victim
    mkdir -p "$vol" "$victim"
    echo precious >"$victim/file"
    ln -sfn "$victim" "$vol/d"
    mkdir -p "$ROOTFS/escvol"
    bundle=$(mkbundle esc-dev '.mounts += [{"destination": "/escvol", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]
        | .linux.devices += [{"path": "/escvol/d/file", "type": "c", "major": 1, "minor": 3}]' --arg v "$vol")
    id=$(new_id esc-dev)
    ctr_create "$id" "$bundle"
    if [ -f "$victim/file" ] && [ ! -c "$victim/file" ] && [ "$(cat "$victim/file")" = precious ]; then
        ok "a device path through a volume's symlink does not replace a host file"
    else
        fail "a device path through a volume's symlink does not replace a host file" "$(ls -l "$victim")"
    fi
    ctr_delete --force "$id"
}

# The image's /etc/passwd is read for HOME: as /dev/zero or a FIFO it must neither crash nor
# hang create. (runc reads it with plain blocking I/O: not checked against runc.)
esc_hostile_passwd() {
    local kind root bundle id rc start
    if esc_is_runc; then
        skip "hostile /etc/passwd" "runc reads the image's files with blocking I/O"
        return
    fi
    for kind in zero fifo; do
        root=$WORK/esc-passwd-$kind
        rm -rf "$root"
        cp -a "$ROOTFS" "$root"
        rm -f "$root/etc/passwd"
        if [ $kind = zero ]; then mknod "$root/etc/passwd" c 1 5; else mkfifo "$root/etc/passwd"; fi
        bundle=$(mkbundle "esc-passwd-$kind" '.root.path = $r | .process.env = ["PATH=/bin"]' --arg r "$root")
        id=$(new_id "esc-passwd-$kind")
        start=$SECONDS
        ctr_create "$id" "$bundle"
        rc=$?
        if [ $rc -eq 124 ] || [ $rc -eq 137 ] || [ $rc -ge 128 ]; then
            fail "/etc/passwd as $kind: create ends without crash or hang" "exit $rc after $((SECONDS - start)) s"
        else
            ok "/etc/passwd as $kind: create ends without crash or hang"
        fi
        expect_match "/etc/passwd as $kind: create fails naming the file" '/etc/passwd' "exit $rc: $(cat "$OUT/$id.err")"
        expect_eq "/etc/passwd as $kind: nothing left" "" "$(state_dir_entries)"
        ctr_delete --force "$id"
    done
}

# --no-pivot leaves the host's mounts below the chroot: a full procfs among them would let a
# nested user namespace mount a fresh, unmasked procfs. They are detached first (as runc).
esc_no_pivot_proc() {
    local out bundle id
    bundle=$(mkbundle esc-nopivot2 "$ARGS_SH"' | .process.capabilities |= with_entries(.value += ["CAP_SETFCAP"])' \
        --arg s 'unshare -Urmpf sh -c "mount -t proc proc /mnt && echo MOUNTED" 2>&1; echo done')
    id=$(new_id esc-nopivot2)
    rt run --no-pivot --bundle "$bundle" "$id" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
    out=$(cat "$OUT/$id.out")
    expect_match "--no-pivot: the container ran" 'done' "$out" "$(cat "$OUT/$id.err")"
    expect_nomatch "--no-pivot: a nested user namespace cannot mount an unmasked procfs" 'MOUNTED' "$out"
    ctr_delete --force "$id"
}

# SIGTERM or SIGINT to a foreground `run` at any moment of start-up: the container gets the
# signal (its handler exits) or is torn down; nothing is left behind.
esc_signals_during_run() {
    local bundle i id pid sig left=0 hung=0 delay
    # Not a spec requirement but ours: runc 1.1 can die of a SIGTERM that arrives before its Go
    # runtime has installed handlers, leaving the container behind.
    if esc_is_runc; then skip "signals to run during start-up" "runc 1.1 can leave the container (not a spec MUST)"; return; fi
    bundle=$(mkbundle esc-sig '.process.args = ["sh", "-c", "trap \"exit 3\" TERM INT; sleep 30 & wait"]')
    for i in $(seq 1 16); do
        sig=TERM
        [ $((i % 2)) -eq 0 ] && sig=INT
        id=$(new_id "esc-sig-$i")
        delay=0.0$((i % 8))
        # The runtime itself, not a wrapper, gets the signal (as from a terminal or a caller).
        "$RUNTIME" --root "$STATE" run --bundle "$bundle" "$id" >/dev/null 2>&1 </dev/null &
        pid=$!
        sleep "$delay"
        kill -s $sig "$pid" 2>/dev/null
        # Forwarded before the container's shell set its trap, the signal is ignored (pid 1):
        # a user would press Ctrl-C again.
        for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        kill -s $sig "$pid" 2>/dev/null
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        if kill -0 "$pid" 2>/dev/null; then hung=$((hung + 1)); kill -9 "$pid" 2>/dev/null; fi
        wait "$pid" 2>/dev/null
        [ -n "$(state_dir_entries)" ] && { left=$((left + 1)); rt delete --force "$id" >/dev/null 2>&1; }
    done
    expect_eq "SIGTERM/SIGINT to run during start-up: run ends (16 tries)" 0 "$hung"
    expect_eq "SIGTERM/SIGINT to run during start-up: nothing left (16 tries)" 0 "$left"
}
