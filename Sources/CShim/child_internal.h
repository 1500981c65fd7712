// Internal helpers shared by the child's steps. All async-signal-safe.
#ifndef RUNTIME_SHIM_CHILD_INTERNAL_H
#define RUNTIME_SHIM_CHILD_INTERNAL_H
#include "shim.h"

// Report a failing step to the parent and exit. Never returns.
__attribute__((noreturn)) void shim_fail(int sync_fd, int err, const char *step, const char *path);
// Same, but after `create` returned: nobody listens, so write to stderr.
__attribute__((noreturn)) void shim_fail_late(int err, const char *step, const char *path);

void shim_setup_rootfs(const struct shim_plan *p, int sync_fd);
void shim_finish_rootfs(const struct shim_plan *p, int sync_fd);
int shim_mkdir_all(const char *path, mode_t mode);
// Resolve argv[0] via PATH like execvp, into buf. Returns 0 or errno.
int shim_find_executable(const char *file, const char *path_env, char *buf, size_t len);
int shim_load_seccomp_listener(const struct shim_plan *p, int sync_fd);
int shim_setup_console(struct shim_plan *p, int sync_fd);
__attribute__((noreturn)) void shim_child_main(const struct shim_plan *p, int sync_fd);
size_t shim_strlcpy(char *dst, const char *src, size_t size);
size_t shim_strlcat(char *dst, const char *src, size_t size);
#endif
