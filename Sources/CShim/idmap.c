// Idmapped mounts: built in the parent (plain process context, may fork), attached by the
// child with move_mount() once it is in its own mount namespace.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "shim.h"

static int write_proc(pid_t pid, const char *file, const char *value) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    return shim_write_file(path, value);
}

int shim_userns_fd(const char *uid_map, const char *gid_map) {
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) return -errno;
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        char c;
        close(pipefd[1]);
        (void)!read(pipefd[0], &c, 1);   // hold the namespace until the parent has its fd
        _exit(0);
    }
    close(pipefd[0]);
    if (pid < 0) { close(pipefd[1]); return -errno; }
    int err = uid_map ? write_proc(pid, "uid_map", uid_map) : 0;
    if (!err && gid_map) err = write_proc(pid, "gid_map", gid_map);
    int fd = -1;
    if (!err) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) err = -errno;
    }
    close(pipefd[1]);
    waitpid(pid, NULL, 0);
    return err ? err : fd;
}

int shim_idmapped_tree(const char *source, int recursive, int userns_fd) {
    int fd = (int)syscall(SYS_open_tree, AT_FDCWD, source,
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
    if (fd < 0) return -errno;
    struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

int shim_detached_tree(const char *source, int recursive) {
    int fd = (int)syscall(SYS_open_tree, AT_FDCWD, source,
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
    return fd < 0 ? -errno : fd;
}
