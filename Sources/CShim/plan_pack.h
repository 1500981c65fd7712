// Flattening the plan for the trip through execve (plan_pack.c).
#ifndef RUNTIME_SHIM_PLAN_PACK_H
#define RUNTIME_SHIM_PLAN_PACK_H
#include <stddef.h>
#include "shim.h"

// Words of a CPU or node mask in the plan: 1024 bits.
#define SHIM_CPU_WORDS 16
// A malloc'ed buffer (the caller frees it) holding the plan and everything it points to.
void *shim_plan_pack(const struct shim_plan *plan, size_t *size);
// Rebases the pointers of a packed plan in place; NULL if any of them leads outside it.
struct shim_plan *shim_plan_unpack(void *buf, size_t size);
// Calls fn for every fd the plan names (those >= 0): what the child must be given and keep.
// Stops at fn's first non-zero result and returns it; 0 when all were visited.
int shim_plan_each_fd(const struct shim_plan *p, int (*fn)(int fd, void *ctx), void *ctx);
#endif
