// The plan crosses an execve (stage 0 re-executes the runtime binary): it is flattened into
// one buffer whose pointers are offsets from its start, and rebased on the other side.
// One walker serves all three passes, so packing and unpacking cannot drift apart.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "plan_pack.h"

enum pass { MEASURE, COPY, REBASE };

struct packer {
    enum pass pass;
    char *base;      // COPY: the output buffer; REBASE: the received buffer
    size_t used;     // MEASURE/COPY: bytes laid out so far
    size_t size;     // REBASE: bytes received (every offset is checked against it)
    int bad;         // REBASE: an offset out of range
};

static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

// Lays out `len` bytes from *field (or rebases it) and returns where the elements now are:
// the original in MEASURE, the copy in COPY, the rebased block in REBASE.
static void *place(struct packer *k, const void **field, size_t len) {
    if (!*field) return NULL;
    if (k->pass == REBASE) {
        uintptr_t off = (uintptr_t)*field;
        if (off < sizeof(struct shim_plan) || off > k->size || len > k->size - off) { k->bad = 1; *field = NULL; return NULL; }
        *field = k->base + off;
        return (void *)*field;
    }
    size_t at = align16(k->used);
    k->used = at + len;
    if (k->pass == MEASURE) return (void *)*field;
    memcpy(k->base + at, *field, len);
    *field = (const void *)(uintptr_t)at;
    return k->base + at;
}

static void str(struct packer *k, const char **field) {
    if (!*field) return;
    if (k->pass == REBASE) {
        const char *s = place(k, (const void **)field, 1);
        if (s && !memchr(s, 0, k->size - (size_t)(s - k->base))) { k->bad = 1; *field = NULL; }
        return;
    }
    place(k, (const void **)field, strlen(*field) + 1);
}

// A NULL-terminated string vector; returns its length.
static int strv(struct packer *k, const char *const **field) {
    if (!*field) return 0;
    size_t n = 0;
    if (k->pass == REBASE) {
        const char **v = place(k, (const void **)field, sizeof(char *));
        if (!v) return 0;
        size_t room = (k->size - (size_t)((char *)v - k->base)) / sizeof(char *);
        while (n < room && v[n]) n++;
        if (n == room) { k->bad = 1; *field = NULL; return 0; }
        for (size_t i = 0; i < n; i++) str(k, &v[i]);
        return (int)n;
    }
    while ((*field)[n]) n++;
    const char **v = place(k, (const void **)field, (n + 1) * sizeof(char *));
    if (k->pass == COPY) for (size_t i = 0; i < n; i++) str(k, &v[i]);
    else for (size_t i = 0; i < n; i++) str(k, (const char **)&(*field)[i]);
    return (int)n;
}

#define ARRAY(k, field, n) place((k), (const void **)&(field), (size_t)((n) > 0 ? (n) : 0) * sizeof *(field))

static void walk(struct packer *k, struct shim_plan *p) {
    str(k, &p->time_offsets);
    strv(k, &p->cgroup_tasks);
    str(k, &p->pid_ns_join);
    struct shim_ns_join *joins = ARRAY(k, p->joins, p->njoins);
    for (int i = 0; joins && i < p->njoins; i++) str(k, &joins[i].path);
    str(k, &p->hostname);
    str(k, &p->domainname);
    str(k, &p->rootfs);
    str(k, &p->chroot_path);
    struct shim_mount *mounts = ARRAY(k, p->mounts, p->nmounts);
    for (int i = 0; mounts && i < p->nmounts; i++) {
        str(k, &mounts[i].source);
        str(k, &mounts[i].target);
        str(k, &mounts[i].dest);
        str(k, &mounts[i].fstype);
        str(k, &mounts[i].data);
    }
    struct shim_device *devices = ARRAY(k, p->devices, p->ndevices);
    for (int i = 0; devices && i < p->ndevices; i++) {
        str(k, &devices[i].path);
        str(k, &devices[i].bind_source);
    }
    struct shim_symlink *links = ARRAY(k, p->symlinks, p->nsymlinks);
    for (int i = 0; links && i < p->nsymlinks; i++) {
        str(k, &links[i].target);
        str(k, &links[i].linkpath);
    }
    struct shim_file_write *sysctls = ARRAY(k, p->sysctls, p->nsysctls);
    for (int i = 0; sysctls && i < p->nsysctls; i++) {
        str(k, &sysctls[i].path);
        str(k, &sysctls[i].value);
    }
    strv(k, &p->masked_paths);
    strv(k, &p->readonly_paths);
    str(k, &p->cwd);
    strv(k, &p->argv);
    strv(k, &p->envp);
    str(k, &p->path_env);
    struct shim_rlimit *rlimits = ARRAY(k, p->rlimits, p->nrlimits);
    for (int i = 0; rlimits && i < p->nrlimits; i++) str(k, &rlimits[i].what);
    ARRAY(k, p->groups, p->ngroups);
    place(k, &p->seccomp_filter, (size_t)p->seccomp_len * 8);   // struct sock_filter
    place(k, (const void **)&p->cpu_affinity_initial, SHIM_CPU_WORDS * sizeof(uint64_t));
    place(k, (const void **)&p->cpu_affinity_final, SHIM_CPU_WORDS * sizeof(uint64_t));
    place(k, (const void **)&p->mempolicy_nodes, SHIM_CPU_WORDS * sizeof(uint64_t));
    str(k, &p->lsm_exec_path);
    str(k, &p->lsm_exec_value);
}

int shim_plan_each_fd(const struct shim_plan *p, int (*fn)(int fd, void *ctx), void *ctx) {
    int named[] = { p->cgroup_fd, p->exec_fifo_fd, p->exec_fd, p->console_socket_fd, p->exe_fd };
    int r = 0;
    for (size_t i = 0; !r && i < sizeof named / sizeof named[0]; i++)
        if (named[i] >= 0) r = fn(named[i], ctx);
    for (int i = 0; !r && i < p->nmounts; i++)
        if (p->mounts[i].tree_fd >= 0) r = fn(p->mounts[i].tree_fd, ctx);
    return r;
}

void *shim_plan_pack(const struct shim_plan *plan, size_t *size) {
    struct shim_plan copy = *plan;
    struct packer k = { .pass = MEASURE, .used = sizeof copy };
    walk(&k, &copy);
    char *buf = calloc(1, k.used);
    if (!buf) return NULL;
    memcpy(buf, plan, sizeof *plan);
    k = (struct packer){ .pass = COPY, .base = buf, .used = sizeof *plan };
    walk(&k, (struct shim_plan *)buf);
    *size = k.used;
    return buf;
}

struct shim_plan *shim_plan_unpack(void *buf, size_t size) {
    if (size < sizeof(struct shim_plan)) return NULL;
    struct packer k = { .pass = REBASE, .base = buf, .size = size };
    struct shim_plan *p = buf;
    // Counts come from the buffer too: a negative one would index before the arrays.
    if (p->njoins < 0 || p->nmounts < 0 || p->ndevices < 0 || p->nsymlinks < 0 || p->nsysctls < 0 ||
        p->nrlimits < 0 || p->ngroups < 0 || p->ncgroup_tasks < 0 || p->nmasked < 0 || p->nreadonly < 0)
        return NULL;
    walk(&k, p);
    return k.bad ? NULL : p;
}
