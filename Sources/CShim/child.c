// The child between clone() and execve(): the order of steps follows runc's init.
// Each step either succeeds or reports itself to the parent and exits.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "child_internal.h"

__attribute__((noreturn)) void shim_exec_process(const struct shim_plan *p, const char *exe);

static void wait_for_parent(int sync_fd) {
    char go;
    ssize_t n;
    do { n = recv(sync_fd, &go, 1, 0); } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(126);   // the parent gave up (rolled back): nothing to report to
}

// All namespace files are opened before the first setns: once the mount namespace is
// joined, /proc/<pid>/ns/* would resolve in the container's /proc.
static void join_namespaces(const struct shim_plan *p, int sync_fd) {
    int fds[16];
    int n = p->njoins < 16 ? p->njoins : 16;
    for (int i = 0; i < n; i++) {
        fds[i] = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) shim_fail(sync_fd, errno, "opening namespace", p->joins[i].path);
    }
    for (int i = 0; i < n; i++) {
        if (setns(fds[i], p->joins[i].nstype) < 0) shim_fail(sync_fd, errno, "joining namespace", p->joins[i].path);
        close(fds[i]);
    }
}

static void send_ready(int sync_fd, int fd) {
    struct shim_msg m;
    memset(&m, 0, sizeof m);
    m.kind = SHIM_READY;
    m.fd = -1;
    struct iovec iov = { &m, sizeof m };
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    if (sendmsg(sync_fd, &msg, MSG_NOSIGNAL) != (ssize_t)sizeof m) _exit(126);
    if (fd >= 0) close(fd);
}

// Block until `runtime start` opens the fifo for reading (runc's exec.fifo design).
static void wait_for_start(const struct shim_plan *p) {
    int fd;
    do { fd = openat(p->exec_fifo_dirfd, p->exec_fifo_name, O_WRONLY | O_CLOEXEC); } while (fd < 0 && errno == EINTR);
    if (fd < 0) shim_fail_late(errno, "opening exec fifo", p->exec_fifo_name);
    if (write(fd, "0", 1) != 1) shim_fail_late(errno, "writing exec fifo", p->exec_fifo_name);
    close(fd);
    close(p->exec_fifo_dirfd);
}

// Close every inherited fd the plan does not name: the runtime's own (state-dir locks,
// logs) must not live on in the container, where a held flock would block `start`.
// Close every inherited fd the plan does not name: the runtime's own (state-dir locks,
// logs) must not live on in the container, where a held flock would block `start`.
static void close_unneeded_fds(const struct shim_plan *p, int sync_fd) {
    int sorted[40];
    int n = 0;
    int fixed[5] = { sync_fd, p->exec_fifo_dirfd, p->console_socket_fd, p->console_fd, p->exec_fd };
    for (int i = 0; i < 5; i++) if (fixed[i] >= 0) sorted[n++] = fixed[i];
    for (int i = 0; i < p->nmounts && n < 40; i++) if (p->mounts[i].tree_fd >= 0) sorted[n++] = p->mounts[i].tree_fd;
    for (int i = 1; i < n; i++)   // insertion sort: qsort may allocate
        for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) { int t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t; }
    unsigned int from = 3 + (unsigned int)(p->preserve_fds > 0 ? p->preserve_fds : 0);
    for (int i = 0; i < n; i++) {
        if ((unsigned int)sorted[i] < from) continue;
        if ((unsigned int)sorted[i] > from) syscall(SYS_close_range, from, (unsigned int)sorted[i] - 1, 0);
        from = (unsigned int)sorted[i] + 1;
    }
    syscall(SYS_close_range, from, ~0U, 0);
}

void shim_child_main(const struct shim_plan *p, int sync_fd) {
    // Die with the runtime while it is still setting us up (kill -9 of `create` leaves nothing).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // Not dumpable: other container processes cannot open /proc/<us>/exe, which is still the
    // runtime binary until execve (CVE-2019-5736). execve resets it.
    prctl(PR_SET_DUMPABLE, 0);
    if (getppid() == 1) _exit(126);
    close_unneeded_fds(p, sync_fd);
    if (p->cpu_affinity_initial && syscall(SYS_sched_setaffinity, 0, 128, p->cpu_affinity_initial) < 0)
        shim_fail(sync_fd, errno, "sched_setaffinity (execCPUAffinity.initial)", NULL);

    wait_for_parent(sync_fd);
    // Into the v1 hierarchies, before any user-namespace identity change (kuid still 0).
    for (int i = 0; i < p->ncgroup_tasks; i++) {
        int fd = open(p->cgroup_tasks[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1) shim_fail(sync_fd, errno, "joining cgroup", p->cgroup_tasks[i]);
        close(fd);
    }
    join_namespaces(p, sync_fd);
    if (p->become_root) {
        if (setresgid(0, 0, 0) < 0) shim_fail(sync_fd, errno, "setresgid(0) in the user namespace", NULL);
        if (setresuid(0, 0, 0) < 0) shim_fail(sync_fd, errno, "setresuid(0) in the user namespace", NULL);
    }
    if (p->setsid && setsid() < 0) shim_fail(sync_fd, errno, "setsid", NULL);
    // A session keyring of its own, so the container cannot read the host's keys. Best effort:
    // kernels without keys (ENOSYS) or with exhausted quotas still run the container.
    if (p->new_keyring) (void)syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, 0);
    if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
        shim_fail(sync_fd, errno, "sethostname", p->hostname);
    if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0)
        shim_fail(sync_fd, errno, "setdomainname", p->domainname);

    if (p->setup_rootfs) shim_setup_rootfs(p, sync_fd);
    if (p->cwd && chdir(p->cwd) < 0) {
        // runc creates a missing cwd; a non-directory is an error.
        if (errno != ENOENT || shim_mkdir_all(p->cwd, 0755) < 0 || chdir(p->cwd) < 0)
            shim_fail(sync_fd, errno, "changing to cwd", p->cwd);
    }
    if (p->cwd) {
        // A cwd through an inherited fd (/proc/self/fd/N) can land outside the root: the kernel
        // then reports it as unreachable. Refuse it (the CVE-2024-21626 class).
        char where[4096];
        long n = syscall(SYS_getcwd, where, sizeof where);
        if (n < 0 || where[0] != '/') shim_fail(sync_fd, n < 0 ? errno : EPERM, "cwd is outside the container root:", p->cwd);
    }
    if (p->setup_rootfs) shim_finish_rootfs(p, sync_fd);
    if (p->console_socket_fd >= 0) {
        // The plan lives in our private copy of the parent's memory: safe to fill in.
        struct shim_plan *mp = (struct shim_plan *)p;
        mp->console_fd = shim_setup_console(mp, sync_fd);
        // The pty becomes stdio now, not at exec: the caller's pipes (conmon's, the shim's)
        // must be released when `create` returns, or the caller waits for their EOF forever.
        for (int fd = 0; fd < 3; fd++)
            if (dup2(mp->console_fd, fd) < 0) shim_fail(sync_fd, errno, "dup2 console", NULL);
        if (ioctl(0, TIOCSCTTY, 0) < 0) shim_fail(sync_fd, errno, "TIOCSCTTY", NULL);
    }

    // Find the program now, so that a typo fails `create`, not a later `start`.
    char exe[4096] = "";
    int err = p->exec_fd >= 0 ? 0 : shim_find_executable(p->argv[0], p->path_env, exe, sizeof exe);
    if (err) shim_fail(sync_fd, err, "executable file not found:", p->argv[0]);

    int listener = -1;
    if (p->seccomp_listener) listener = shim_load_seccomp_listener(p, sync_fd);
    send_ready(sync_fd, listener);
    // The parent records the container, then lets go: only now may we outlive it.
    wait_for_parent(sync_fd);
    // Now in the container's cgroup: a new cgroup namespace makes it the container's root.
    if (p->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0) shim_fail_late(errno, "unshare(CLONE_NEWCGROUP)", NULL);
    prctl(PR_SET_PDEATHSIG, 0);
    close(sync_fd);   // the parent waits for this EOF before it exits
    if (p->exec_fifo_dirfd >= 0) wait_for_start(p);
    shim_exec_process(p, exe);
}
