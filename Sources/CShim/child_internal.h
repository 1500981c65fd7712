// Internal helpers shared by the child's steps. All async-signal-safe.
#ifndef RUNTIME_SHIM_CHILD_INTERNAL_H
#define RUNTIME_SHIM_CHILD_INTERNAL_H
#include "shim.h"

// Report a failing step to the parent and exit. Never returns.
__attribute__((noreturn)) void shim_fail(int sync_fd, int err, const char *step, const char *path);
// Blocks until the parent releases the child (one byte); exits if the parent gave up or died.
void shim_wait_for_parent(int sync_fd);
// Until called with -1: a failure on `sync_fd` first waits for the parent's release (the
// init's work before its first release reports nothing earlier).
void shim_defer_failures(int sync_fd);
// Same, but after `create` returned: nobody listens, so write to stderr.
__attribute__((noreturn)) void shim_fail_late(int err, const char *step, const char *path);

// Namespaces joined in one go (one per kind, with room to spare); more is refused.
#define SHIM_MAX_JOINS 16

// setns into every namespace the plan joins (all opened first: once the mount namespace is
// joined, /proc/<pid>/ns/* would resolve in the container's /proc).
void shim_join_namespaces(const struct shim_plan *p, int sync_fd);
void shim_setup_rootfs(const struct shim_plan *p, int sync_fd);
// The first p->early_mounts mounts (and the rootfs bind before them), before the first
// release; shim_setup_rootfs then goes on after them.
void shim_mount_before_release(const struct shim_plan *p, int sync_fd);
// Stops before pivot_root for the parent's hooks, when the plan asks for it.
void shim_hooks_pause(const struct shim_plan *p, int sync_fd);
// --no-pivot: detaches (or covers) the host's proc and sysfs mounts outside `root`.
void shim_hide_host_pseudo_fs(const char *root, int sync_fd);
// Brings up `lo` in a new network namespace; the second quietly, 1 if it is up.
void shim_loopback_up(int sync_fd);
int shim_loopback_try_up(void);
// "/proc/self/fd/<fd>" into buf (at least 32 bytes).
void shim_fd_path(char *buf, int fd);
// Everything before READY that concerns the process: rlimits and settings, stdio, identity,
// capabilities, no_new_privs, LSM, the executable's path; returns a seccomp listener or -1.
int shim_prepare_process(const struct shim_plan *p, int sync_fd, char *exe, size_t exe_len);
// After the exec fifo: the no_new_privs seccomp filter, then execve.
__attribute__((noreturn)) void shim_exec_process(const struct shim_plan *p, const char *exe);
void shim_finish_rootfs(const struct shim_plan *p, int sync_fd);
int shim_mkdir_all(const char *path, mode_t mode);
// Resolve argv[0] via PATH like execvp, into buf. Returns 0 or errno.
int shim_find_executable(const char *file, const char *path_env, char *buf, size_t len);
int shim_setup_console(struct shim_plan *p, int sync_fd);
__attribute__((noreturn)) void shim_child_main(const struct shim_plan *p, int sync_fd);
size_t shim_strlcpy(char *dst, const char *src, size_t size);
size_t shim_strlcat(char *dst, const char *src, size_t size);
#endif
