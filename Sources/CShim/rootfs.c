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
#include <linux/magic.h>
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

static int open_in_root_flags(const char *path, size_t len, int flags) {
    char buf[4096];
    if (len >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, path, len);
    buf[len] = 0;
    struct shim_open_how how = { (uint64_t)(O_PATH | O_CLOEXEC | flags), 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    return (int)syscall(SYS_openat2, root_fd, buf[0] ? buf : "/", &how, sizeof how);
}

static int open_in_root(const char *path, size_t len) { return open_in_root_flags(path, len, 0); }

// Open `dest` inside the rootfs (symlinks re-rooted there, like the kernel after pivot_root),
// creating what is missing one component at a time: nothing is ever made outside the rootfs,
// even when an earlier mount brought symlinks in (the CVE-2021-30465 class). O_PATH fd.
static int mount_point_fd(const char *dest, int is_file) {
    size_t len = strlen(dest);
    int fd = open_in_root(dest, len);
    if (fd >= 0 || errno != ENOENT) return fd;
    // Usually only the last component is missing (/dev/pts, /sys/fs/cgroup/cpu): look for the
    // deepest ancestor that exists from the end, then make the rest downwards from there.
    size_t have = len;   // becomes the length of the longest prefix of dest that exists
    int parent = -1;
    while (parent < 0) {
        while (have > 0 && dest[have - 1] == '/') have--;
        while (have > 0 && dest[have - 1] != '/') have--;
        if (have == 0) { errno = ENOENT; return -1; }
        parent = open_in_root(dest, have);
        if (parent < 0 && errno != ENOENT) return -1;
    }
    for (size_t i = have; i <= len; i++) {
        if (i < len && dest[i] != '/') continue;
        size_t slash = i;
        while (slash > 0 && dest[slash - 1] != '/') slash--;
        size_t n = i - slash;
        if (n == 0) continue;   // "//" or a trailing slash
        char name[256];
        if (n >= sizeof name) { if (parent >= 0) close(parent); errno = EINVAL; return -1; }
        memcpy(name, dest + slash, n);
        name[n] = 0;
        // Each component is made in a directory opened inside the rootfs, never by host path.
        if (parent < 0) parent = open_in_root(dest, slash);
        if (parent < 0) return -1;
        int r;
        if (i == len && is_file) {
            r = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (r >= 0) close(r);
        } else {
            r = mkdirat(parent, name, 0755);
        }
        close(parent);
        parent = -1;
        if (r < 0 && errno != EEXIST) return -1;
    }
    return open_in_root(dest, len);
}

// The rootfs as the kernel names it (symlinks resolved), to tell where a destination landed.
static char root_path[4096];

static int is_fs(const struct shim_mount *m, const char *type) { return m->fstype && strcmp(m->fstype, type) == 0; }

// Files under /proc that runc lets a bind mount cover (lxcfs and similar serve them); none
// of them can undo masked or read-only paths.
static int proc_file_allowed(const char *rel) {
    static const char *const allowed[] = {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
        "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
    };
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) if (strcmp(rel, allowed[i]) == 0) return 1;
    return 0;
}

// A bind mount of a whole procfs (its root: inode 1), e.g. the host's /proc for a container in
// the host's pid namespace that may not mount a procfs of its own (rootless), as runc allows.
static int is_procfs_root_bind(const struct shim_mount *m) {
    if (!(m->flags & MS_BIND) || !m->source || m->tree_fd >= 0) return 0;
    struct statfs fs;
    struct stat st;
    return statfs(m->source, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC &&
           stat(m->source, &st) == 0 && st.st_ino == 1;
}

// Where the destination really is (after symlinks in the rootfs and earlier mounts): only a
// procfs may land on /proc, and nothing inside it but runc's list of files, or a volume
// could cover procfs or /proc/sys and undo masked and read-only paths.
static void check_destination(const struct shim_mount *m, int fd, int sync_fd) {
    char link[32], where[4096];
    shim_fd_path(link, fd);
    ssize_t n = readlink(link, where, sizeof where - 1);
    if (n < 0) shim_fail(sync_fd, errno, "resolving mount destination", m->dest);
    where[n] = 0;
    size_t rl = strcmp(root_path, "/") == 0 ? 0 : strlen(root_path);
    if (strncmp(where, root_path, rl) != 0 || (where[rl] != '/' && where[rl] != 0))
        shim_fail(sync_fd, EXDEV, "mount destination resolves outside the rootfs:", m->dest);
    const char *rel = where[rl] ? where + rl : "/";
    if (strcmp(rel, "/proc") == 0) {
        if (!is_fs(m, "proc") && !is_procfs_root_bind(m))
            shim_fail(sync_fd, EPERM, "only a procfs (a new one, or a bind of one's root) may be mounted on /proc; destination", m->dest);
    } else if (strncmp(rel, "/proc/", 6) == 0 && (is_fs(m, "proc") || !proc_file_allowed(rel))) {
        shim_fail(sync_fd, EPERM, "mounts inside /proc are not allowed; destination", m->dest);
    }
}

// proc and sysfs go on an ordinary directory of the image: a symlink there is refused (runc).
static void check_pseudo_fs_dir(const struct shim_mount *m, int sync_fd) {
    if (!is_fs(m, "proc") && !is_fs(m, "sysfs")) return;
    int fd = open_in_root_flags(m->dest, strlen(m->dest), O_NOFOLLOW);
    if (fd < 0) return;   // missing: made as a directory below
    struct stat st;
    int bad = fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode);
    close(fd);
    if (bad) shim_fail(sync_fd, ENOTDIR, "must be mounted on an ordinary directory:", m->dest);
}

static void do_mount(const struct shim_mount *m, int sync_fd) {
    check_pseudo_fs_dir(m, sync_fd);
    int fd = mount_point_fd(m->dest, m->make_file);
    if (fd < 0) shim_fail(sync_fd, errno, "creating mount point", m->dest);
    check_destination(m, fd, sync_fd);
    char where[32];
    shim_fd_path(where, fd);
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
    shim_fd_path(where, fd);
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

// The directory that will hold `path` (made inside the rootfs if missing) and the last
// component of `path` in `name`: nodes and links are then made relative to that fd, never
// through a host path that a symlink in a volume could lead outside the rootfs.
static int parent_in_root(const char *path, char *name, size_t len, int sync_fd) {
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1] || strlen(slash + 1) >= len) shim_fail(sync_fd, EINVAL, "bad path", path);
    shim_strlcpy(name, slash + 1, len);
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) shim_fail(sync_fd, EINVAL, "bad path", path);
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) shim_fail(sync_fd, ENAMETOOLONG, "creating", path);
    memcpy(dir, path, n);
    dir[n] = 0;
    int fd = mount_point_fd(n ? dir : "/", 0);
    if (fd < 0) shim_fail(sync_fd, errno, "creating the directory of", path);
    return fd;
}

static void make_device(const struct shim_device *d, int sync_fd) {
    if (d->bind_source) {
        int fd = mount_point_fd(d->path, 1);
        if (fd < 0) shim_fail(sync_fd, errno, "creating device node", d->path);
        char where[32];
        shim_fd_path(where, fd);
        if (mount(d->bind_source, where, NULL, MS_BIND, NULL) < 0) shim_fail(sync_fd, errno, "bind-mounting device", d->path);
        close(fd);
        return;
    }
    char name[256];
    int dir = parent_in_root(d->path, name, sizeof name, sync_fd);
    if (unlinkat(dir, name, 0) < 0 && errno != ENOENT) shim_fail(sync_fd, errno, "replacing", d->path);
    if (mknodat(dir, name, d->mode, d->dev) < 0) shim_fail(sync_fd, errno, "mknod", d->path);
    // We just made it, in a rootfs no container process can reach yet: not a symlink.
    if (fchmodat(dir, name, d->mode & 07777, 0) < 0) shim_fail(sync_fd, errno, "chmod", d->path);  // umask-free mode
    if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) shim_fail(sync_fd, errno, "chown", d->path);
    close(dir);
}

static void make_symlink(const struct shim_symlink *l, int sync_fd) {
    char name[256];
    int dir = parent_in_root(l->linkpath, name, sizeof name, sync_fd);
    if (symlinkat(l->target, dir, name) < 0 && errno != EEXIST) shim_fail(sync_fd, errno, "symlink", l->linkpath);
    close(dir);
}

// A tmpfs asked for read-only (e.g. /dev) was mounted writable so that devices and mounts
// could go inside it; now it becomes read-only.
static void finish_read_only(const struct shim_mount *m, int sync_fd) {
    int fd = mount_point_fd(m->dest, 0);
    if (fd < 0) shim_fail(sync_fd, errno, "opening mount", m->dest);
    char where[32];
    shim_fd_path(where, fd);
    if (mount(NULL, where, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags(where), NULL) < 0)
        shim_fail(sync_fd, errno, "remounting read-only", m->dest);
    close(fd);
}

static void enter_rootfs(const struct shim_plan *p, int sync_fd) {
    if (chdir(p->rootfs) < 0) shim_fail(sync_fd, errno, "chdir to rootfs", p->rootfs);
    if (p->no_pivot) {
        shim_hide_host_pseudo_fs(root_path, sync_fd);
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

static int mounts_done = -1;   // -1: the rootfs is not prepared yet

static void prepare_rootfs(const struct shim_plan *p, int sync_fd) {
    if (p->root_propagation && mount(NULL, "/", NULL, p->root_propagation, NULL) < 0)
        shim_fail(sync_fd, errno, "setting propagation of", "/");
    // pivot_root needs the rootfs to be a mount point.
    if (mount(p->rootfs, p->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) shim_fail(sync_fd, errno, "bind-mounting rootfs", p->rootfs);
    root_fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) shim_fail(sync_fd, errno, "opening rootfs", p->rootfs);
    char self[32];
    shim_fd_path(self, root_fd);
    ssize_t n = readlink(self, root_path, sizeof root_path - 1);
    if (n < 0) shim_fail(sync_fd, errno, "resolving rootfs", p->rootfs);
    root_path[n] = 0;
    mounts_done = 0;
}

void shim_mount_before_release(const struct shim_plan *p, int sync_fd) {
    prepare_rootfs(p, sync_fd);
    int early = p->early_mounts < p->nmounts ? p->early_mounts : p->nmounts;
    for (; mounts_done < early; mounts_done++) do_mount(&p->mounts[mounts_done], sync_fd);
}

void shim_setup_rootfs(const struct shim_plan *p, int sync_fd) {
    if (mounts_done < 0) prepare_rootfs(p, sync_fd);
    for (; mounts_done < p->nmounts; mounts_done++) do_mount(&p->mounts[mounts_done], sync_fd);
    for (int i = 0; i < p->ndevices; i++) make_device(&p->devices[i], sync_fd);
    for (int i = 0; i < p->nsymlinks; i++) make_symlink(&p->symlinks[i], sync_fd);
    // /dev/console's mount point too, while /dev may still be written (a read-only /dev, as
    // runc's mounts.bats has it): the console is bound there after pivot_root.
    if (p->bind_dev_console) {
        int console = mount_point_fd("/dev/console", 1);
        if (console >= 0) close(console);
    }
    for (int i = 0; i < p->nmounts; i++) if (p->mounts[i].ro_after_setup) finish_read_only(&p->mounts[i], sync_fd);
    close(root_fd);
    shim_hooks_pause(p, sync_fd);
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
