// The init (or exec'd process) between clone() and execve(), in runc's order: everything
// that can fail is done before READY, so that `create` reports it; after the exec fifo the
// child only loads a no_new_privs seccomp filter and execs.
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
#include "plan_pack.h"

// All namespace files are opened before the first setns: once the mount namespace is
// joined, /proc/<pid>/ns/* would resolve in the container's /proc.
void shim_join_namespaces(const struct shim_plan *p, int sync_fd) {
    int fds[SHIM_MAX_JOINS];
    if (p->njoins > SHIM_MAX_JOINS) shim_fail(sync_fd, E2BIG, "too many namespaces to join", NULL);
    for (int i = 0; i < p->njoins; i++) {
        fds[i] = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) shim_fail(sync_fd, errno, "opening namespace", p->joins[i].path);
    }
    for (int i = 0; i < p->njoins; i++) {
        if (setns(fds[i], p->joins[i].nstype) < 0) shim_fail(sync_fd, errno, "joining namespace", p->joins[i].path);
        close(fds[i]);
    }
}

static void send_msg(int sync_fd, int kind, int fd) {
    struct shim_msg m;
    memset(&m, 0, sizeof m);
    m.kind = kind;
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

// The parent runs the prestart, createRuntime and createContainer hooks while we wait: our
// mounts are made, pivot_root is not (runtime.md, config.md "createContainer").
void shim_hooks_pause(const struct shim_plan *p, int sync_fd) {
    if (!p->hooks_before_pivot) return;
    send_msg(sync_fd, SHIM_HOOKS, -1);
    shim_wait_for_parent(sync_fd);
}

struct lowest_fd { unsigned int from; long found; };

static int lower_named_fd(int fd, void *ctx) {
    struct lowest_fd *l = ctx;
    if ((unsigned int)fd >= l->from && (l->found < 0 || fd < l->found)) l->found = fd;
    return 0;
}

// Every inherited fd the plan does not name is closed: the runtime's own (state-dir locks,
// logs, the plan memfd) must not live on in the container.
static void close_unneeded_fds(const struct shim_plan *p, int sync_fd) {
    unsigned int from = 3 + (unsigned int)(p->preserve_fds > 0 ? p->preserve_fds : 0);
    for (unsigned int fd = from;;) {
        // The lowest named fd at or above `fd`: close the gap below it, skip it.
        struct lowest_fd l = { fd, -1 };
        lower_named_fd(sync_fd, &l);
        shim_plan_each_fd(p, lower_named_fd, &l);
        long next = l.found;
        if (next < 0) { syscall(SYS_close_range, fd, ~0U, 0); break; }
        if ((unsigned int)next > fd) syscall(SYS_close_range, fd, (unsigned int)next - 1, 0);
        fd = (unsigned int)next + 1;
    }
}

// Signals the runtime (or its caller) ignored or blocked must not stay so in the container:
// a forwarded Ctrl-C would do nothing (runc resets them too).
static void reset_signals(void) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < 65; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        (void)sigaction(sig, &dfl, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
}

// Block until `runtime start` opens the fifo for reading (runc's exec.fifo design). The fd
// we hold leads to the fifo only; it is reopened for writing through our own /proc.
static void wait_for_start(const struct shim_plan *p) {
    char path[32];
    shim_fd_path(path, p->exec_fifo_fd);
    int fd;
    do { fd = open(path, O_WRONLY | O_CLOEXEC); } while (fd < 0 && errno == EINTR);
    if (fd < 0) shim_fail_late(errno, "opening exec fifo", path);
    if (write(fd, "0", 1) != 1) shim_fail_late(errno, "writing exec fifo", path);
    // Left open: it closes at execve (O_CLOEXEC), and `start` waits for that EOF, so that
    // poststart hooks run once the user process has been exec'd (config.md).
    close(p->exec_fifo_fd);
}

// The fifo must be reachable through /proc/self/fd before READY, or `start` would fail late.
static void check_fifo_reachable(const struct shim_plan *p, int sync_fd) {
    if (p->exec_fifo_fd < 0) return;
    char path[32];
    shim_fd_path(path, p->exec_fifo_fd);
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        shim_fail(sync_fd, errno,
                  p->setup_rootfs ? "exec fifo not reachable (is /proc mounted in the container?):"
                                  : "exec fifo not reachable: no /proc in the container (it has no mount namespace of its"
                                    " own, so config.json's mounts are not made; list {\"type\": \"mount\"} in"
                                    " linux.namespaces):",
                  path);
    close(fd);
}

void shim_child_main(const struct shim_plan *p, int sync_fd) {
    // Die with the runtime while it is still setting us up (kill -9 of `create` leaves nothing).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    reset_signals();
    close_unneeded_fds(p, sync_fd);
    // Nothing is reported before the first release (stage 0's PID message comes first).
    int affinity_err = 0;
    if (p->cpu_affinity_initial && syscall(SYS_sched_setaffinity, 0, 128, p->cpu_affinity_initial) < 0)
        affinity_err = errno;

    if (p->setup_rootfs && p->early_mounts > 0) {
        // While the parent still makes the cgroups: the rootfs and its leading pseudo
        // filesystems, which need nothing the release brings (LaunchPlan.mountsBeforeRelease).
        shim_defer_failures(sync_fd);
        shim_mount_before_release(p, sync_fd);
        shim_defer_failures(-1);
    }
    shim_wait_for_parent(sync_fd);
    // The parent has written our id maps: from now on nobody may ptrace or read us.
    prctl(PR_SET_DUMPABLE, 0);
    if (affinity_err) shim_fail(sync_fd, affinity_err, "sched_setaffinity (execCPUAffinity.initial)", NULL);
    if (p->cgroup_join_by_write) {
        int fd = openat(p->cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1) shim_fail(sync_fd, errno, "joining cgroup", "cgroup.procs");
        close(fd);
    }
    if (p->cgroup_fd >= 0) close(p->cgroup_fd);
    // Into the v1 hierarchies, before any user-namespace identity change (kuid still 0).
    for (int i = 0; i < p->ncgroup_tasks; i++) {
        int fd = open(p->cgroup_tasks[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1) shim_fail(sync_fd, errno, "joining cgroup", p->cgroup_tasks[i]);
        close(fd);
    }
    shim_join_namespaces(p, sync_fd);
    if (p->become_root) {
        if (syscall(SYS_setresgid, 0, 0, 0) < 0) shim_fail(sync_fd, errno, "setresgid(0) in the user namespace", NULL);
        if (syscall(SYS_setresuid, 0, 0, 0) < 0) shim_fail(sync_fd, errno, "setresuid(0) in the user namespace", NULL);
    }
    // Placed in the container's cgroup: a new cgroup namespace makes it the container's root.
    if (p->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0) shim_fail(sync_fd, errno, "unshare(CLONE_NEWCGROUP)", NULL);
    if (p->setsid && setsid() < 0) shim_fail(sync_fd, errno, "setsid", NULL);
    // A session keyring of its own, so the container cannot read the host's keys. Best effort:
    // kernels without keys (ENOSYS) or with exhausted quotas still run the container.
    if (p->new_keyring) (void)syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, 0);
    if (p->loopback_up) shim_loopback_up(sync_fd);
    if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
        shim_fail(sync_fd, errno, "sethostname", p->hostname);
    if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0)
        shim_fail(sync_fd, errno, "setdomainname", p->domainname);

    if (p->setup_rootfs) {
        shim_setup_rootfs(p, sync_fd);
    } else {
        shim_hooks_pause(p, sync_fd);
        if (p->chroot_path && (chdir(p->chroot_path) < 0 || chroot(".") < 0 || chdir("/") < 0))
            shim_fail(sync_fd, errno, "chroot to root.path", p->chroot_path);
    }
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
        // The plan lives in our private copy of stage 0's memory: safe to fill in.
        struct shim_plan *mp = (struct shim_plan *)p;
        mp->console_fd = shim_setup_console(mp, sync_fd);
        // The pty becomes stdio now, not at exec: the caller's pipes (conmon's, the shim's)
        // must be released when `create` returns, or the caller waits for their EOF forever.
        for (int fd = 0; fd < 3; fd++)
            if (dup2(mp->console_fd, fd) < 0) shim_fail(sync_fd, errno, "dup2 console", NULL);
        if (ioctl(0, TIOCSCTTY, 0) < 0) shim_fail(sync_fd, errno, "TIOCSCTTY", NULL);
        if (mp->console_fd > 2) close(mp->console_fd);
    }
    check_fifo_reachable(p, sync_fd);

    // Identity, capabilities, rlimits, LSM, seccomp (unless no_new_privs wants it last).
    char exe[4096] = "";
    int listener = shim_prepare_process(p, sync_fd, exe, sizeof exe);
    send_msg(sync_fd, SHIM_READY, listener);
    // The parent records the container, then lets go: only now may we outlive it.
    shim_wait_for_parent(sync_fd);
    prctl(PR_SET_PDEATHSIG, 0);
    close(sync_fd);   // the parent waits for this EOF before it exits
    // The last reference to the read-only image: its teardown waits here, not in the parent.
    if (p->exe_fd >= 0) close(p->exe_fd);
    if (p->exec_fifo_fd >= 0) wait_for_start(p);
    shim_exec_process(p, exe);
}
