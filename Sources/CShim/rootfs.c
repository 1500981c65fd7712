// Filesystem steps in the child's own mount namespace: mounts, /dev, pivot_root,
// masked and readonly paths. Mount destinations are resolved here, inside the rootfs.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/mount.h>
#include <sys/sysmacros.h>
#include "child_internal.h"

int shim_mkdir_all(const char *path, mode_t mode) {
    char buf[4096];
    if (shim_strlcpy(buf, path, sizeof buf) >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    for (char *s = buf + 1; ; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(buf, mode) < 0 && errno != EEXIST) return -1;
            *s = c;
            if (c == 0) break;
        }
    }
    return 0;
}

static int make_mount_point(const char *target, int is_file) {
    if (!is_file) return shim_mkdir_all(target, 0755);
    struct stat st;
    if (stat(target, &st) == 0) return 0;
    char parent[4096];
    shim_strlcpy(parent, target, sizeof parent);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) { *slash = 0; if (shim_mkdir_all(parent, 0755) < 0) return -1; }
    int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

// Flags a remount must keep: in a user namespace the kernel refuses to drop locked ones.
static unsigned long locked_flags(const char *path) {
    struct statfs s;
    if (statfs(path, &s) < 0) return 0;
    return (unsigned long)s.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_RDONLY);
}

#ifndef RESOLVE_IN_ROOT
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif
struct shim_open_how { uint64_t flags, mode, resolve; };

// The rootfs, as the root every mount destination is resolved in (set up in setup_rootfs).
static int root_fd = -1;

static int open_in_root(const char *path, size_t len) {
    char buf[4096];
    if (len >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, path, len);
    buf[len] = 0;
    struct shim_open_how how = { O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    return (int)syscall(SYS_openat2, root_fd, buf[0] ? buf : "/", &how, sizeof how);
}

// Open `dest` inside the rootfs (symlinks re-rooted there, like the kernel after pivot_root),
// creating what is missing one component at a time: nothing is ever made outside the rootfs,
// even when an earlier mount brought symlinks in (the CVE-2021-30465 class). O_PATH fd.
static int mount_point_fd(const char *dest, int is_file) {
    size_t len = strlen(dest);
    int fd = open_in_root(dest, len);
    if (fd >= 0 || errno != ENOENT) return fd;
    for (size_t i = 1; i <= len; i++) {
        if (i < len && dest[i] != '/') continue;
        int part = open_in_root(dest, i);
        if (part >= 0) { close(part); continue; }
        if (errno != ENOENT) return -1;
        size_t slash = i;
        while (slash > 0 && dest[slash - 1] != '/') slash--;
        int parent = open_in_root(dest, slash);
        if (parent < 0) return -1;
        char name[256];
        size_t n = i - slash;
        if (n == 0 || n >= sizeof name) { close(parent); errno = EINVAL; return -1; }
        memcpy(name, dest + slash, n);
        name[n] = 0;
        int r;
        if (i == len && is_file) {
            r = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (r >= 0) close(r);
        } else {
            r = mkdirat(parent, name, 0755);
        }
        close(parent);
        if (r < 0 && errno != EEXIST) return -1;
    }
    return open_in_root(dest, len);
}

static void fd_path(char *buf, int fd) {
    char digits[12];
    int n = 0;
    shim_strlcpy(buf, "/proc/self/fd/", 32);
    do { digits[n++] = (char)('0' + fd % 10); fd /= 10; } while (fd);
    size_t at = strlen(buf);
    while (n) buf[at++] = digits[--n];
    buf[at] = 0;
}

static void do_mount(const struct shim_mount *m, int sync_fd) {
    int fd = mount_point_fd(m->dest, m->make_file);
    if (fd < 0) shim_fail(sync_fd, errno, "creating mount point", m->dest);
    char where[32];
    fd_path(where, fd);
    if (m->tree_fd >= 0) {
        if (syscall(SYS_move_mount, m->tree_fd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            shim_fail(sync_fd, errno, "attaching idmapped mount", m->dest);
        close(m->tree_fd);
    } else if (mount(m->source, where, m->fstype, m->flags, m->data) < 0) {
        int err = errno;
        char step[600] = "mounting ";
        shim_strlcat(step, m->source ? m->source : (m->fstype ? m->fstype : "?"), sizeof step);
        shim_strlcat(step, " on", sizeof step);
        shim_fail(sync_fd, err, step, m->dest);
    }
    close(fd);
    if (!m->remount_flags && !m->propagation && !m->attr_set && !m->attr_clr) return;
    // Re-open: the path now leads to the root of the new mount, not the directory below it.
    fd = mount_point_fd(m->dest, m->make_file);
    if (fd < 0) shim_fail(sync_fd, errno, "opening mount", m->dest);
    fd_path(where, fd);
    if (m->remount_flags &&
        mount(NULL, where, NULL, MS_REMOUNT | MS_BIND | m->remount_flags | locked_flags(where), NULL) < 0)
        shim_fail(sync_fd, errno, "remounting", m->dest);
    if (m->propagation && mount(NULL, where, NULL, m->propagation, NULL) < 0)
        shim_fail(sync_fd, errno, "setting propagation of", m->dest);
    if (m->attr_set || m->attr_clr) {
        struct mount_attr attr = { .attr_set = m->attr_set, .attr_clr = m->attr_clr };
        if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
            shim_fail(sync_fd, errno, "applying recursive mount options to", m->dest);
    }
    close(fd);
}

static void make_device(const struct shim_device *d, int sync_fd) {
    if (d->bind_source) {
        if (make_mount_point(d->path, 1) < 0) shim_fail(sync_fd, errno, "creating device node", d->path);
        if (mount(d->bind_source, d->path, NULL, MS_BIND, NULL) < 0) shim_fail(sync_fd, errno, "bind-mounting device", d->path);
        return;
    }
    unlink(d->path);
    if (mknod(d->path, d->mode, d->dev) < 0) shim_fail(sync_fd, errno, "mknod", d->path);
    if (chmod(d->path, d->mode & 07777) < 0) shim_fail(sync_fd, errno, "chmod", d->path);  // umask-free mode
    if (chown(d->path, d->uid, d->gid) < 0) shim_fail(sync_fd, errno, "chown", d->path);
}

static void enter_rootfs(const struct shim_plan *p, int sync_fd) {
    if (chdir(p->rootfs) < 0) shim_fail(sync_fd, errno, "chdir to rootfs", p->rootfs);
    if (p->no_pivot) {
        if (mount(p->rootfs, "/", NULL, MS_MOVE, NULL) < 0) shim_fail(sync_fd, errno, "moving rootfs to /", p->rootfs);
        if (chroot(".") < 0) shim_fail(sync_fd, errno, "chroot", p->rootfs);
    } else {
        // pivot_root(".", ".") stacks the old root under the new one; detaching it leaves
        // no path back to the host (runc's trick, no temporary directory needed).
        if (syscall(SYS_pivot_root, ".", ".") < 0) shim_fail(sync_fd, errno, "pivot_root", p->rootfs);
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) shim_fail(sync_fd, errno, "making old root slave", NULL);
        if (umount2(".", MNT_DETACH) < 0) shim_fail(sync_fd, errno, "detaching old root", NULL);
    }
    if (chdir("/") < 0) shim_fail(sync_fd, errno, "chdir", "/");
}

void shim_setup_rootfs(const struct shim_plan *p, int sync_fd) {
    if (p->root_propagation && mount(NULL, "/", NULL, p->root_propagation, NULL) < 0)
        shim_fail(sync_fd, errno, "setting propagation of", "/");
    // pivot_root needs the rootfs to be a mount point.
    if (mount(p->rootfs, p->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) shim_fail(sync_fd, errno, "bind-mounting rootfs", p->rootfs);
    root_fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) shim_fail(sync_fd, errno, "opening rootfs", p->rootfs);
    for (int i = 0; i < p->nmounts; i++) do_mount(&p->mounts[i], sync_fd);
    for (int i = 0; i < p->ndevices; i++) make_device(&p->devices[i], sync_fd);
    for (int i = 0; i < p->nsymlinks; i++) {
        if (symlink(p->symlinks[i].target, p->symlinks[i].linkpath) < 0 && errno != EEXIST)
            shim_fail(sync_fd, errno, "symlink", p->symlinks[i].linkpath);
    }
    close(root_fd);
    enter_rootfs(p, sync_fd);
}

static void write_sysctl(const struct shim_file_write *w, int sync_fd) {
    int fd = open(w->path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) shim_fail(sync_fd, errno, "opening sysctl", w->path);
    if (write(fd, w->value, strlen(w->value)) < 0) shim_fail(sync_fd, errno, "writing sysctl", w->path);
    close(fd);
}

static void mask_path(const char *path, int sync_fd) {
    struct stat st;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT) return;
        shim_fail(sync_fd, errno, "masking", path);
    }
    int r = S_ISDIR(st.st_mode)
        ? mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k")
        : mount("/dev/null", path, NULL, MS_BIND, NULL);
    if (r < 0) shim_fail(sync_fd, errno, "masking", path);
}

static void readonly_path(const char *path, int sync_fd) {
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
        if (errno == ENOENT) return;
        shim_fail(sync_fd, errno, "bind-mounting readonly path", path);
    }
    if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(path), NULL) < 0)
        shim_fail(sync_fd, errno, "remounting readonly", path);
}

void shim_finish_rootfs(const struct shim_plan *p, int sync_fd) {
    for (int i = 0; i < p->nsysctls; i++) write_sysctl(&p->sysctls[i], sync_fd);
    for (int i = 0; i < p->nmasked; i++) mask_path(p->masked_paths[i], sync_fd);
    for (int i = 0; i < p->nreadonly; i++) readonly_path(p->readonly_paths[i], sync_fd);
    if (p->readonly_root &&
        mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags("/"), NULL) < 0)
        shim_fail(sync_fd, errno, "remounting / readonly", NULL);
    if (p->final_propagation && mount(NULL, "/", NULL, p->final_propagation, NULL) < 0)
        shim_fail(sync_fd, errno, "setting rootfs propagation", NULL);
}
