# shellcheck shell=bash
# Variables the sourcing script sets: cache (download cache dir), root (the guest root).
# shellcheck disable=SC2154
# Shared by the VM test scripts (sourced, bash): host packages, the cached Debian cloud
# kernel, and copying binaries with their libraries into a guest root.
# The caller sets $cache (.build-vm) and defines log().

# vm_host_packages PACKAGE...: apt-get install the ones missing.
vm_host_packages() {
    local need=() p
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
    done
    if [ ${#need[@]} -gt 0 ]; then
        log "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${need[@]}" >/dev/null
    fi
}

# vm_kernel: sets $kernel to the cached vmlinuz, downloading the newest
# linux-image-*-cloud-amd64 (or $VM_KERNEL_PACKAGE) once.
vm_kernel() {
    mkdir -p "$cache/kernel"
    kernel=$(find "$cache/kernel" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "${VM_KERNEL_PACKAGE:-}" ] && [ "$kernel" != "$cache/kernel/vmlinuz-${VM_KERNEL_PACKAGE#linux-image-}" ]; then
        kernel=""
    fi
    if [ -z "$kernel" ]; then
        pick() {
            # Debian's ABI-named bookworm kernels (linux-image-6.1.0-N-cloud-amd64), newest
            # first; any other cloud kernel image if there is none.
            local all
            all=$(apt-cache search --names-only '^linux-image-.*-cloud-amd64$' | awk '{print $1}')
            { echo "$all" | grep -E '^linux-image-[0-9.]+-[0-9]+-cloud-amd64$' ||
              echo "$all" | grep -E '^linux-image-[0-9]' || true; } | sort -V | tail -1
        }
        local dl pkg v
        dl=$(mktemp -d "$cache/dl.XXXXXX")
        trap 'rm -rf "$dl"' EXIT
        chmod 0777 "$dl"   # apt-get download drops to the _apt user where it can
        # Stale or missing package lists: update once and pick again.
        pkg=${VM_KERNEL_PACKAGE:-$(pick)}
        if [ -z "$pkg" ] || ! (cd "$dl" && apt-get download -q "$pkg" >/dev/null 2>&1); then
            apt-get update -qq
            pkg=${VM_KERNEL_PACKAGE:-$(pick)}
            [ -n "$pkg" ] || { log "no linux-image-*-cloud-amd64 package found with apt-cache search"; exit 1; }
            (cd "$dl" && apt-get download -q "$pkg")
        fi
        log "downloaded $pkg"
        dpkg-deb --fsys-tarfile "$dl"/*.deb | tar -x -C "$dl" --wildcards './boot/vmlinuz-*'
        v=$(find "$dl/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed -n 's/^vmlinuz-//p' | head -1)
        mv "$dl/boot/vmlinuz-$v" "$cache/kernel/vmlinuz-$v"
        rm -rf "$dl"
        trap - EXIT
        kernel=$cache/kernel/vmlinuz-$v
    fi
    log "kernel $(basename "$kernel")"
}

# add_binary SRC DST: a binary (stripped) at $root$DST and every shared library ldd
# lists (ld.so included) at its host path.
add_binary() {
    local src=$1 dst=$2
    mkdir -p "$(dirname "$root$dst")"
    cp -L "$src" "$root$dst"
    if command -v strip >/dev/null 2>&1; then strip -s "$root$dst" 2>/dev/null || true; fi
    chmod 0755 "$root$dst"
    add_libraries "$src"
}

# add_libraries FILE: the shared libraries ldd lists for FILE, at their host paths and
# at the paths their symlinks resolve to (/lib64/ld-linux-x86-64.so.2 is also found as
# /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, where a static binary's dlopen looks).
add_libraries() {
    local lib path
    for lib in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' || true); do
        for path in "$lib" "$(readlink -f "$lib")"; do
            [ -e "$root$path" ] && continue
            mkdir -p "$(dirname "$root$path")"
            cp -L "$lib" "$root$path"
        done
    done
}

# vm_pack_initramfs ROOT FILE: the guest root as a newc cpio archive (sorted, reproducible).
vm_pack_initramfs() {
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$2.tmp"
    mv "$2.tmp" "$2"
    log "initramfs $(du -h "$2" | cut -f1) built in $(($(date +%s) - t0)) s"
}

# vm_boot INITRD CONSOLE APPEND: boot $kernel under TCG with the guest's console in CONSOLE,
# then judge the guest's last "total: N passed, N failed" line (and qemu's exit status).
# Uses $kernel, $memory, $timeout_s and $t0 from the caller.
vm_boot() {
    local initrd=$1 console=$2 append=$3 t1 qrc summary
    t1=$(date +%s)
    set +e
    timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
        -nographic -no-reboot -m "$memory" -smp 1 -accel tcg -cpu max \
        -kernel "$kernel" -initrd "$initrd" -append "$append" \
        -nic none -monitor none -serial stdio </dev/null 2>&1 |
        sed -u -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' -e 's/\r//g' | tee "$console"
    qrc=${PIPESTATUS[0]}
    set -e
    log "qemu exited $qrc after $(($(date +%s) - t1)) s (total $(($(date +%s) - t0)) s); console in $console"
    [ "$qrc" = 124 ] && log "timed out after $timeout_s s"

    summary=$(grep -E '^total: [0-9]+ passed, [0-9]+ failed' "$console" | tail -1 || true)
    if [ -z "$summary" ]; then
        log "no summary line from the guest"
        return 1
    fi
    echo "$summary"
    case $summary in
    *" passed, 0 failed"*) [ "$qrc" = 0 ] || { log "qemu exit status $qrc"; return 1; } ;;
    *) return 1 ;;
    esac
}
