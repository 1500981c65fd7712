#!/usr/bin/env bash
# Boot a Debian cloud kernel under QEMU (TCG) with a pure cgroup v2 hierarchy and run
# vm/guest-tests.sh inside it, against runc and against each runtime binary given.
#
#   vm/run-cgroup2-tests.sh [RUNTIME_BINARY...]     (default: .build/release/runtime)
#
# Everything downloaded or built goes to .build-vm/ (gitignored): the kernel is cached
# there, the initramfs is rebuilt on every run (a few seconds). Exits non-zero unless
# the guest's last summary line says "N passed, 0 failed".
#
# Environment: VM_TIMEOUT (seconds, default 300), VM_MEMORY (default 512M),
#              VM_KERNEL_PACKAGE (force a linux-image-*-cloud-amd64 package),
#              VM_SKIP_RUNC=1 (test only the given runtimes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=$top/.build-vm
timeout_s=${VM_TIMEOUT:-300}
memory=${VM_MEMORY:-512M}
t0=$(date +%s)

log() { echo "vm: $*" >&2; }

# shellcheck source=vm/lib.sh
. "$here/lib.sh"
vm_host_packages qemu-system-x86 cpio busybox-static runc
vm_kernel

# --- runtimes under test ------------------------------------------------------------
if [ $# -eq 0 ]; then set -- "$top/.build/release/runtime"; fi
for b in "$@"; do
    [ -x "$b" ] || { log "runtime binary $b not found (build: scripts/build.sh)"; exit 1; }
done

# --- initramfs ----------------------------------------------------------------------
root=$cache/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,newroot,vm,rt,etc}
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
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
printf '%s\n' "${runtimes[@]}" >"$root/vm/runtimes"

"$top/bundles/mkrootfs.sh" "$root/bundle" >/dev/null
cp "$here/guest-tests.sh" "$root/vm/guest-tests.sh"
cp "$here/guest-lib.sh" "$root/vm/guest-lib.sh"
chmod 0755 "$root/vm/guest-tests.sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"

cat >"$root/init" <<'EOF'
#!/bin/sh
# Stage 1 runs from the initramfs (rootfs), where pivot_root is refused: copy it all
# into a tmpfs and switch_root there. Stage 2 sets up cgroup2 and runs the tests.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
if [ "$1" != stage2 ]; then
    mount -t tmpfs -o mode=0755 root /newroot
    for d in /*; do
        case $d in /proc|/sys|/dev|/newroot) mkdir -p "/newroot$d" ;; *) cp -a "$d" /newroot/ ;; esac
    done
    exec switch_root /newroot /init stage2
    echo "vm: switch_root failed"; poweroff -f
fi
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
    echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || echo "vm: could not enable $c"
done
echo "vm: kernel $(uname -r); cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
/vm/guest-tests.sh $(cat /vm/runtimes)
echo "vm: guest-tests exit $?"
sync
poweroff -f
EOF
chmod 0755 "$root/init"

initrd=$cache/initramfs.cpio
vm_pack_initramfs "$root" "$initrd"

# --- boot ---------------------------------------------------------------------------
vm_boot "$initrd" "$cache/console.log" "console=ttyS0 quiet panic=-1"
