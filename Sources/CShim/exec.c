// Last steps before execve: identity, capabilities, no_new_privs, seccomp, fds.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <signal.h>
#include "child_internal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int shim_find_executable(const char *file, const char *path_env, char *buf, size_t len) {
    struct stat st;
    if (strchr(file, '/')) {
        shim_strlcpy(buf, file, len);
        if (stat(buf, &st) < 0) return errno;
        return S_ISDIR(st.st_mode) ? EACCES : 0;
    }
    const char *dirs = path_env && *path_env ? path_env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    int err = ENOENT;
    while (*dirs) {
        const char *end = strchrnul(dirs, ':');
        size_t n = (size_t)(end - dirs);
        if (n + strlen(file) + 2 <= len) {
            memcpy(buf, dirs, n);
            buf[n] = 0;
            if (n == 0) shim_strlcpy(buf, ".", len);
            shim_strlcat(buf, "/", len);
            shim_strlcat(buf, file, len);
            if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) return 0;
        }
        dirs = *end ? end + 1 : end;
    }
    return err;
}

static int capset_all(const struct shim_plan *p) {
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    for (int i = 0; i < 2; i++) {
        data[i].effective = (uint32_t)(p->cap_effective >> (32 * i));
        data[i].permitted = (uint32_t)(p->cap_permitted >> (32 * i));
        data[i].inheritable = (uint32_t)(p->cap_inheritable >> (32 * i));
    }
    return (int)syscall(SYS_capset, &hdr, data);
}

static void drop_bounding(const struct shim_plan *p, int sync_fd) {
    for (int cap = 0; cap <= 63; cap++) {
        if (p->cap_bounding & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0) continue;
        if (errno == EINVAL) break;  // past the kernel's last capability: so is every higher one
        shim_fail(sync_fd, errno, "process.capabilities.bounding: dropping a capability", NULL);
    }
}

// Raw syscalls: glibc's wrappers broadcast set*id over every thread of the process, which
// takes a signal round per thread; this process has one thread and must stay simple.
static void set_identity(const struct shim_plan *p, int sync_fd) {
    if (p->apply_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) shim_fail(sync_fd, errno, "PR_SET_KEEPCAPS", NULL);
    if (p->set_groups && syscall(SYS_setgroups, (size_t)p->ngroups, p->groups) < 0)
        shim_fail(sync_fd, errno, "process.user.additionalGids: setgroups", NULL);
    if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0) shim_fail(sync_fd, errno, "process.user.gid: setresgid", NULL);
    if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0) shim_fail(sync_fd, errno, "process.user.uid: setresuid", NULL);
    if (p->umask >= 0) umask((mode_t)p->umask);
}

static void apply_caps(const struct shim_plan *p, int sync_fd) {
    if (!p->apply_caps) return;
    if (capset_all(p) < 0) shim_fail(sync_fd, errno, "process.capabilities: capset", NULL);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    for (int cap = 0; cap <= 63; cap++) {
        if (!(p->cap_ambient & (1ULL << cap))) continue;
        // A cap missing from permitted or inheritable cannot be ambient; runc skips it too.
        (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
    }
}

static long load_filter(const struct shim_plan *p, unsigned int extra_flags) {
    struct sock_fprog prog = { (unsigned short)p->seccomp_len, (struct sock_filter *)p->seccomp_filter };
    if (p->seccomp_len > BPF_MAXINSNS) { errno = EINVAL; return -1; }
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags | extra_flags, &prog);
}

struct shim_sched_attr {   // struct sched_attr (uapi), version 1 without util clamps
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
};

static void apply_process_settings(const struct shim_plan *p, int sync_fd) {
    for (int i = 0; i < p->nrlimits; i++) {
        struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };
        if (setrlimit(p->rlimits[i].resource, &rl) < 0) shim_fail(sync_fd, errno, p->rlimits[i].what, NULL);
    }
    if (p->set_personality && personality(p->personality) < 0) shim_fail(sync_fd, errno, "linux.personality: personality", NULL);
    if (p->ioprio >= 0 && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, p->ioprio) < 0)
        shim_fail(sync_fd, errno, "process.ioPriority: ioprio_set", NULL);
    if (p->set_scheduler) {
        struct shim_sched_attr a = { sizeof a, p->sched_policy, p->sched_flags, p->sched_nice,
                                     p->sched_priority, p->sched_runtime, p->sched_deadline, p->sched_period };
        if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) shim_fail(sync_fd, errno, "process.scheduler: sched_setattr", NULL);
    }
    if (p->cpu_affinity_final && syscall(SYS_sched_setaffinity, 0, 128, p->cpu_affinity_final) < 0)
        shim_fail(sync_fd, errno, "process.execCPUAffinity.final: sched_setaffinity", NULL);
    if (p->set_mempolicy &&
        syscall(SYS_set_mempolicy, p->mempolicy_mode, p->mempolicy_nodes, p->mempolicy_nodes ? 1024 + 1 : 0) < 0)
        shim_fail(sync_fd, errno, "linux.memoryPolicy: set_mempolicy", NULL);
}

// stdio belongs to the process's user (runc's fixStdioPermissions): a non-root process can
// then write to /dev/stderr and its pty. Only the owner changes: the group stays what the
// mount gave it (devpts gid=5, the tty group). /dev/null is shared and left alone.
static void give_stdio(const struct shim_plan *p, int sync_fd) {
    if (p->uid == 0) return;
    struct stat null_st;
    int have_null = stat("/dev/null", &null_st) == 0;
    for (int fd = 0; fd < 3; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0) continue;
        if (have_null && S_ISCHR(st.st_mode) && st.st_rdev == null_st.st_rdev) continue;
        if (st.st_uid == p->uid) continue;
        if (fchown(fd, p->uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS && errno != EBADF)
            shim_fail(sync_fd, errno, "giving stdio to process.user", NULL);
    }
}

int shim_prepare_process(const struct shim_plan *p, int sync_fd, char *exe, size_t exe_len) {
    // Every fd but stdio (and preserved ones) closes on exec: no host fd or cwd leaks into the
    // container (CVE-2024-21626). Done before any seccomp filter could deny close_range.
    unsigned int first = 3 + (unsigned int)(p->preserve_fds > 0 ? p->preserve_fds : 0);
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        struct rlimit nofile;
        int top = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 1048576 ? (int)nofile.rlim_cur : 1048576;
        for (int fd = (int)first; fd < top; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    // A hook binary opened in the runtime's namespace: a script's interpreter reads it back
    // through /dev/fd/N, so this one fd survives the exec.
    if (p->exec_fd >= 0) fcntl(p->exec_fd, F_SETFD, 0);
    apply_process_settings(p, sync_fd);
    give_stdio(p, sync_fd);
    int listener = -1;
    // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while we still
    // have it, as runc does (the profile must then allow the identity syscalls).
    if (p->seccomp_filter && !p->no_new_privs) {
        long r = load_filter(p, p->seccomp_listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
        if (r < 0) shim_fail(sync_fd, errno, "linux.seccomp: loading the filter", NULL);
        if (p->seccomp_listener) listener = (int)r;
    }
    if (p->apply_caps) drop_bounding(p, sync_fd);
    set_identity(p, sync_fd);
    apply_caps(p, sync_fd);
    // A credential change clears the parent-death signal: set it again (runc does too).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        shim_fail(sync_fd, errno, "process.noNewPrivileges: prctl", NULL);
    if (p->lsm_exec_path) {
        int fd = open(p->lsm_exec_path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, p->lsm_exec_value, strlen(p->lsm_exec_value)) < 0)
            shim_fail(sync_fd, errno, "setting the LSM label via", p->lsm_exec_path);
        close(fd);
    }
    // Find the program as the user it runs as, so that a typo fails `create`, not `start`.
    if (p->exec_fd < 0) {
        int err = shim_find_executable(p->argv[0], p->path_env, exe, exe_len);
        if (err) shim_fail(sync_fd, err, "executable file not found:", p->argv[0]);
    }
    // SCMP_ACT_NOTIFY: the filter goes in before READY so that its listener fd can travel up
    // with it; from here on the notified syscalls wait for the caller's agent.
    if (p->seccomp_filter && p->no_new_privs && p->seccomp_listener) {
        long r = load_filter(p, SECCOMP_FILTER_FLAG_NEW_LISTENER);
        if (r < 0) shim_fail(sync_fd, errno, "linux.seccomp: loading the filter with a listener", NULL);
        listener = (int)r;
    }
    return listener;
}

void shim_exec_process(const struct shim_plan *p, const char *exe) {
    // With no_new_privs the filter goes last, so the profile need not allow our own set-up.
    if (p->seccomp_filter && p->no_new_privs && !p->seccomp_listener && load_filter(p, 0) < 0)
        shim_fail_late(errno, "loading seccomp filter", NULL);
    if (p->exec_fd >= 0) {
        syscall(SYS_execveat, p->exec_fd, "", p->argv, p->envp, AT_EMPTY_PATH);
        shim_fail_late(errno, "exec", p->argv[0]);
    }
    execve(exe, (char *const *)p->argv, (char *const *)p->envp);
    shim_fail_late(errno, "exec", exe);
}
