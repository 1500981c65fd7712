// The plan and its fds over the sync socket, for a stage 0 started early (plan_transfer.c).
#ifndef RUNTIME_SHIM_PLAN_TRANSFER_H
#define RUNTIME_SHIM_PLAN_TRANSFER_H
#include "shim.h"

// One SCM_RIGHTS message carries them all (the kernel's limit is 253).
#define SHIM_MAX_PLAN_FDS 200
// The plan's memfd first, then every fd the plan names; -E2BIG when they do not fit.
int shim_plan_fd_list(const struct shim_plan *p, int plan_fd, int *fds);
// Sends the fds, each with its number here. 0 or -errno.
int shim_plan_send_fds(int sync_fd, const int *fds, int count);
// Sends a PREPARE message (the flags of namespaces announced ahead of the plan). 0 or -errno.
int shim_plan_send_prepare(int sync_fd, unsigned long clone_flags);
// Stage 0: receives them and puts each at its number; returns the plan's fd. A PREPARE
// message instead returns -1 with its flags in *prepare (the caller acts on it and calls
// again). Exits if the parent closed the socket without sending (it gave up), reports
// anything malformed.
int shim_plan_receive_fds(int sync_fd, unsigned long *prepare);
#endif
