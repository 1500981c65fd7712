#!/usr/bin/env bash
# Boot a Debian cloud kernel under QEMU (TCG) with systemd as PID 1 on a pure cgroup v2
# hierarchy, and run vm/guest-systemd-tests.sh from a unit, against runc and each runtime
# binary given, with --systemd-cgroup.
#
#   vm/run-systemd-tests.sh [RUNTIME_BINARY...]     (default: .build/release/runtime)
#
# The guest root is an initramfs copied into a tmpfs: the host's systemd, systemctl and
# busybox with their libraries (the cloud kernel has no 9p to share the host's root),
# libsystemd.so.0 for our runtime's sd-bus, runc, the runtimes under test and a busybox
# bundle. No D-Bus daemon runs: both runtimes reach systemd on /run/systemd/private.
# Exits non-zero unless the guest's last summary line says "N passed, 0 failed".
#
# Environment: VM_TIMEOUT (seconds, default 300), VM_MEMORY (default 512M),
#              VM_KERNEL_PACKAGE, VM_SKIP_RUNC=1 (as run-cgroup2-tests.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=$top/.build-vm
timeout_s=${VM_TIMEOUT:-300}
memory=${VM_MEMORY:-512M}
t0=$(date +%s)

log() { echo "vm-systemd: $*" >&2; }

# shellcheck source=vm/lib.sh
. "$here/lib.sh"
vm_host_packages qemu-system-x86 cpio busybox-static runc systemd
vm_kernel

if [ $# -eq 0 ]; then set -- "$top/.build/release/runtime"; fi
for b in "$@"; do
    [ -x "$b" ] || { log "runtime binary $b not found (build: scripts/build.sh)"; exit 1; }
done

# --- guest root (merged /usr, as Debian) ----------------------------------------------
root=$cache/systemd-root
rm -rf "$root"
mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,proc,sys,dev,run,tmp,newroot,vm,rt,etc/systemd/system,var/tmp,root}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done

add_binary /lib/systemd/systemd /usr/lib/systemd/systemd
add_binary /bin/systemctl /usr/bin/systemctl
# Our runtime loads libsystemd.so.0 with dlopen: ldd does not list it.
sdlib=$(readlink -f /usr/lib/x86_64-linux-gnu/libsystemd.so.0)
mkdir -p "$root/usr/lib/x86_64-linux-gnu"
cp -L "$sdlib" "$root/usr/lib/x86_64-linux-gnu/libsystemd.so.0"
add_libraries "$sdlib"
cp /bin/busybox "$root/usr/bin/busybox"
for a in $(/bin/busybox --list); do
    [ -e "$root/usr/bin/$a" ] || ln -s busybox "$root/usr/bin/$a"
done

runtimes=()
if [ "${VM_SKIP_RUNC:-0}" != 1 ]; then
    add_binary /usr/sbin/runc /usr/sbin/runc
    runtimes+=(/usr/sbin/runc)
fi
i=0
for b in "$@"; do
    i=$((i + 1))
    add_binary "$b" "/rt/$i/runtime"
    runtimes+=("/rt/$i/runtime")
done

"$top/bundles/mkrootfs.sh" "$root/bundle" >/dev/null
cp "$here/guest-systemd-tests.sh" "$root/vm/guest-systemd-tests.sh"
cp "$here/guest-lib.sh" "$root/vm/guest-lib.sh"
chmod 0755 "$root/vm/guest-systemd-tests.sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'ID=debian\nPRETTY_NAME="runtime systemd test guest"\n' >"$root/etc/os-release"
printf '5f6d2a8c1b3e4f7a9c0d1e2f3a4b5c6d\n' >"$root/etc/machine-id"

# The only unit: runs the checks on the console, then powers off (busybox, at once).
cat >"$root/etc/systemd/system/rt-tests.service" <<EOF2
[Unit]
Description=runtime --systemd-cgroup checks
DefaultDependencies=no

[Service]
Type=oneshot
Environment=PATH=/usr/sbin:/usr/bin
ExecStart=/bin/sh -c '/vm/guest-systemd-tests.sh ${runtimes[*]}; echo "vm: guest-tests exit \$?"; sync; poweroff -f'
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
EOF2

# Stage 1 runs from the initramfs, where pivot_root is refused: copy it into a tmpfs and
# make systemd PID 1 there.
cat >"$root/init" <<'EOF2'
#!/bin/sh
export PATH=/usr/sbin:/usr/bin
mount -t tmpfs -o mode=0755 root /newroot
for d in /*; do
    case $d in /proc|/sys|/dev|/newroot|/init) mkdir -p "/newroot$d" ;; *) cp -a "$d" /newroot/ ;; esac
done
exec switch_root /newroot /usr/lib/systemd/systemd
echo "vm: switch_root failed"; poweroff -f
EOF2
chmod 0755 "$root/init"

initrd=$cache/systemd-initramfs.cpio
vm_pack_initramfs "$root" "$initrd"

# --- boot ---------------------------------------------------------------------------
vm_boot "$initrd" "$cache/systemd-console.log" "console=ttyS0 quiet panic=-1 systemd.unit=rt-tests.service systemd.show_status=0 systemd.log_level=warning systemd.unified_cgroup_hierarchy=1"
