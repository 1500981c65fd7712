// System calls Swift's Glibc module does not offer (syscall(2) is variadic; eventfd is not
// in the module map), declared from the kernel and libc headers. Resolved at link time, so
// they work in a static executable too (dlsym does not).
#ifndef RUNTIME_CKERNEL_H
#define RUNTIME_CKERNEL_H
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

// bpf(cmd, attr, size): attr is a zero-filled prefix of union bpf_attr.
static inline long ckernel_bpf(int cmd, void *attr, unsigned int size) {
    return syscall(SYS_bpf, cmd, attr, size);
}

static inline int ckernel_eventfd(unsigned int initval, int flags) { return eventfd(initval, flags); }
#endif
