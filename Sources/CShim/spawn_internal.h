// What spawn.c and early_spawn.c share: how stage 0 is executed and how its plan is made.
#ifndef RUNTIME_SHIM_SPAWN_INTERNAL_H
#define RUNTIME_SHIM_SPAWN_INTERNAL_H
#include "shim.h"

// How stage 0 is executed: the read-only image through /proc/self/fd, the caller's name
// (comm) as argv[0], restored after execve (the init shows as "runtime" in ps, as it did as a
// clone of the caller), and only our variable in the environment.
struct shim_stage0_exec {
    char env[64], path[32], comm[32];
    char *argv[2], *envp[2];
};
// plan_fd < 0: an early stage 0, whose plan follows over the socket.
void shim_stage0_exec_init(struct shim_stage0_exec *x, int exe, int plan_fd, int sync_fd);
// The plan as stage 0 gets it (with our pid and the image it runs from), in a sealed memfd;
// *sent receives that copy for the fds it names. fd or -errno.
int shim_stage0_plan(const struct shim_plan *plan, int exe, struct shim_plan *sent);
#endif
