// --no-pivot: after MS_MOVE + chroot the host's mounts stay in the container's mount
// namespace, below its root. A full procfs or sysfs among them would let a nested user
// namespace mount a fresh, unmasked procfs (the kernel allows it when one is already
// visible). Every proc and sysfs mount outside the rootfs is detached first, or covered
// with an empty tmpfs where detaching is not permitted — as runc does.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include "child_internal.h"

// One line of mountinfo: "id parent maj:min root mountpoint opts [optional...] - fstype src super".
// Fills the mount point (octal escapes decoded); 1 if it is a full proc/sysfs mount.
static int full_pseudo_fs(char *line, char *point, size_t len) {
    char *field[5];
    char *s = line;
    for (int i = 0; i < 5; i++) {
        field[i] = s;
        s = strchr(s, ' ');
        if (!s) return 0;
        *s++ = 0;
    }
    char *dash = strstr(s, " - ");
    if (!dash) return 0;
    char *type = dash + 3;
    char *end = strchr(type, ' ');
    if (end) *end = 0;
    if (strcmp(field[3], "/") != 0 || (strcmp(type, "proc") != 0 && strcmp(type, "sysfs") != 0)) return 0;
    size_t o = 0;
    for (const char *c = field[4]; *c && o + 1 < len; c++) {
        if (c[0] == '\\' && c[1] >= '0' && c[1] <= '3' && c[2] >= '0' && c[2] <= '7' && c[3] >= '0' && c[3] <= '7') {
            point[o++] = (char)((c[1] - '0') * 64 + (c[2] - '0') * 8 + (c[3] - '0'));
            c += 3;
        } else {
            point[o++] = *c;
        }
    }
    point[o] = 0;
    return 1;
}

static int inside(const char *path, const char *root) {
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == 0);
}

// Mount points collected in one pass (the table changes as we act on it), NUL-separated.
static char points[262144];

static size_t collect_host_pseudo_fs(const char *root, int sync_fd) {
    int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0) shim_fail(sync_fd, errno, "opening", "/proc/self/mountinfo");
    static char buf[65536];
    char point[4096];
    size_t have = 0, used = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) shim_fail(sync_fd, errno, "reading", "/proc/self/mountinfo");
        have += (size_t)n;
        buf[have] = 0;
        char *line = buf;
        char *nl;
        while ((nl = strchr(line, '\n'))) {
            *nl = 0;
            if (full_pseudo_fs(line, point, sizeof point) && !inside(point, root)) {
                size_t len = strlen(point) + 1;
                if (used + len > sizeof points) shim_fail(sync_fd, E2BIG, "too many proc and sysfs mounts", NULL);
                memcpy(points + used, point, len);
                used += len;
            }
            line = nl + 1;
        }
        if (n == 0) break;
        have = (size_t)(buf + have - line);
        if (have == sizeof buf - 1) shim_fail(sync_fd, E2BIG, "a mountinfo line is too long", NULL);
        memmove(buf, line, have);
    }
    close(fd);
    return used;
}

void shim_hide_host_pseudo_fs(const char *root, int sync_fd) {
    size_t used = collect_host_pseudo_fs(root, sync_fd);
    for (size_t at = 0; at < used; at += strlen(points + at) + 1) {
        const char *point = points + at;
        // Our namespace is a slave of the host's: nothing here propagates back.
        if (umount2(point, MNT_DETACH) == 0) continue;
        if (errno != EINVAL && errno != EPERM) shim_fail(sync_fd, errno, "detaching", point);
        // Locked (a user namespace) or already gone with a detached parent: cover what is left.
        if (mount("tmpfs", point, "tmpfs", 0, NULL) < 0 && errno != ENOENT && errno != ENOTDIR)
            shim_fail(sync_fd, errno, "covering", point);
    }
}
