// Parent-side: open a file of the container's image without leaving it (openat2 with
// RESOLVE_IN_ROOT: symlinks and ".." stay inside the rootfs, magic links are refused).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "shim.h"

#ifndef RESOLVE_IN_ROOT
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif

int shim_open_in_rootfs(const char *rootfs, const char *path, int flags) {
    int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return -errno;
    struct { uint64_t flags, mode, resolve; } how = { (uint64_t)(flags | O_CLOEXEC), 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
    int err = fd < 0 ? -errno : 0;
    close(root);
    return fd < 0 ? err : fd;
}
