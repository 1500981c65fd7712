#!/usr/bin/env bash
# Fill <bundle>/rootfs from Debian's static busybox, so no binary is ever committed.
#
#   bundles/mkrootfs.sh [DIR...]
#
# Without arguments every bundles/*/ that has a config.json (or a config.template.json)
# is filled. Idempotent: a second run only checks, so it is cheap to call before each use.
#
# Per-bundle markers (all optional, next to config.json):
#   .rootfs-owner         "UID:GID" the rootfs is chowned to (user-namespace bundles:
#                         the mapped root must own its files).
#   .rootfs-dirs          extra directories to create, one per line, relative to the bundle.
#   config.template.json  config with @BUNDLE@ placeholders; rendered to config.json with the
#                         bundle's absolute path (mount options such as overlay's lowerdir
#                         need absolute host paths, which a committed file cannot know).
set -euo pipefail

BUSYBOX=${BUSYBOX:-/bin/busybox}
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$BUSYBOX" ]; then
    echo "mkrootfs: $BUSYBOX not found; install it with: apt-get install -y busybox-static" >&2
    exit 1
fi
# A dynamically linked busybox would need the host's libc inside the rootfs.
if command -v file >/dev/null 2>&1 && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
    echo "mkrootfs: $BUSYBOX is not statically linked; apt-get install -y busybox-static" >&2
    exit 1
fi

if [ $# -eq 0 ]; then
    for d in "$here"/*/; do
        if [ -f "$d/config.json" ] || [ -f "$d/config.template.json" ]; then
            set -- "$@" "${d%/}"
        fi
    done
fi

applets=$("$BUSYBOX" --list)

fill() {
    local bundle rootfs
    bundle=$(cd "$1" && pwd)
    rootfs=$bundle/rootfs

    if [ -f "$bundle/config.template.json" ]; then
        local rendered
        rendered=$(sed "s|@BUNDLE@|$bundle|g" "$bundle/config.template.json")
        if [ ! -f "$bundle/config.json" ] || [ "$rendered" != "$(cat "$bundle/config.json")" ]; then
            printf '%s\n' "$rendered" >"$bundle/config.json"
        fi
    fi

    mkdir -p "$rootfs"/{bin,proc,sys,dev,etc,tmp,root,home,data,mnt,run,var}
    chmod 1777 "$rootfs/tmp"
    chmod 0700 "$rootfs/root"

    if ! cmp -s "$BUSYBOX" "$rootfs/bin/busybox"; then
        cp "$BUSYBOX" "$rootfs/bin/busybox.tmp"
        mv -f "$rootfs/bin/busybox.tmp" "$rootfs/bin/busybox"
    fi
    local a
    for a in $applets; do
        [ "$a" = busybox ] && continue
        [ -L "$rootfs/bin/$a" ] || ln -sf busybox "$rootfs/bin/$a"
    done

    [ -f "$rootfs/etc/passwd" ] || cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    [ -f "$rootfs/etc/group" ] || cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
tty:x:5:
nogroup:x:65534:
EOF
    [ -f "$rootfs/etc/hostname" ] || basename "$bundle" >"$rootfs/etc/hostname"

    if [ -f "$bundle/.rootfs-dirs" ]; then
        local d
        while IFS= read -r d; do
            case $d in '' | '#'*) continue ;; esac
            mkdir -p "$bundle/$d"
        done <"$bundle/.rootfs-dirs"
    fi

    if [ -f "$bundle/.rootfs-owner" ]; then
        local owner
        owner=$(tr -d ' \n' <"$bundle/.rootfs-owner")
        # stat is cheap; chown -R only when the owner is not yet right.
        if [ "$(stat -c %u:%g "$rootfs")" != "$owner" ] ||
            [ "$(stat -c %u:%g "$rootfs/bin/busybox")" != "$owner" ]; then
            chown -R -h "$owner" "$rootfs"
        fi
    fi
}

for b in "$@"; do
    if [ -e "$b" ] && [ ! -d "$b" ]; then
        echo "mkrootfs: $b: not a directory" >&2
        exit 1
    fi
    mkdir -p "$b"
    fill "$b"
done
