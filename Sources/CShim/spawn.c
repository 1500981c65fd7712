// Parent side of the start-up: the plan goes to a re-executed stage 0 (stage0.c), which
// clones the init; then the sync socket carries typed messages (shim.h) both ways.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <sys/un.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <linux/sched.h>
#include <spawn.h>
#include <stdlib.h>
#include "child_internal.h"
#include "plan_pack.h"
#include "plan_transfer.h"

int shim_write_file(const char *path, const char *value) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = write(fd, value, strlen(value));
    int err = n < 0 ? -errno : 0;
    close(fd);
    return err;
}

#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 2U
#endif

// The packed plan in a sealed memfd: stage 0 maps it privately, nobody can change it.
static int plan_memfd(const struct shim_plan *p) {
    size_t size = 0;
    void *buf = shim_plan_pack(p, &size);
    if (!buf) return -ENOMEM;
    int fd = (int)syscall(SYS_memfd_create, "runtime-plan", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    int err = fd < 0 ? -errno : 0;
    for (size_t done = 0; !err && done < size;) {
        ssize_t n = write(fd, (char *)buf + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) err = n < 0 ? -errno : -EIO;
        else done += (size_t)n;
    }
    free(buf);
    if (!err && fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) err = -errno;
    if (err) { if (fd >= 0) close(fd); return err; }
    return fd;
}

// The plan as stage 0 gets it (with our pid and the image it runs from), in a sealed memfd;
// *sent receives that copy for the fds it names. fd or -errno.
static int stage0_plan(const struct shim_plan *plan, int exe, struct shim_plan *sent) {
    *sent = *plan;
    sent->parent_pid = getpid();
    sent->exe_fd = exe;
    return plan_memfd(sent);
}

// "_RUNTIME_STAGE0=<plan fd>,<sync fd>", or "_RUNTIME_STAGE0=recv,<sync fd>" for an early
// stage 0 (the plan follows over the socket).
static void stage0_env(char *buf, size_t len, int plan_fd, int sync_fd) {
    char digits[12];
    shim_strlcpy(buf, "_RUNTIME_STAGE0=", len);
    for (int i = 0; i < 2; i++) {
        int v = i == 0 ? plan_fd : sync_fd, n = 0;
        if (v < 0) {
            shim_strlcat(buf, "recv", len);
        } else {
            do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v);
            size_t at = strlen(buf);
            while (n && at + 1 < len) buf[at++] = digits[--n];
            buf[at] = 0;
        }
        if (i == 0) shim_strlcat(buf, ",", len);
    }
}

// How stage 0 is executed: the read-only image through /proc/self/fd, the caller's name
// (comm) as argv[0], restored after execve (the init shows as "runtime" in ps, as it did as a
// clone of the caller), and only our variable in the environment.
struct stage0_exec {
    char env[64], path[32], comm[32];
    char *argv[2], *envp[2];
};

static void stage0_exec_init(struct stage0_exec *x, int exe, int plan_fd, int sync_fd) {
    stage0_env(x->env, sizeof x->env, plan_fd, sync_fd);
    shim_fd_path(x->path, exe);
    shim_strlcpy(x->comm, "runtime", sizeof x->comm);   // PR_GET_NAME fills at most 16 bytes
    (void)prctl(PR_GET_NAME, x->comm, 0, 0, 0);
    x->argv[0] = x->comm;
    x->argv[1] = NULL;
    x->envp[0] = x->env;
    x->envp[1] = NULL;
}

// dup2 of an fd onto itself clears its close-on-exec flag (glibc's posix_spawn does so).
static int keep_open(posix_spawn_file_actions_t *actions, int fd) {
    return fd >= 0 ? posix_spawn_file_actions_adddup2(actions, fd, fd) : 0;
}

static int keep_named_fd(int fd, void *actions) { return keep_open(actions, fd); }

// Stage 0 is started with posix_spawn (a vfork-style clone: no copy of our page tables)
// executing the read-only image through /proc/self/fd, with the fds the plan names kept open.
// No plan (p NULL, plan_fd < 0): an early stage 0, which receives it over the socket.
static pid_t start_stage0(const struct shim_plan *p, int exe, int plan_fd, int sync_fd) {
    posix_spawn_file_actions_t actions;
    int err = posix_spawn_file_actions_init(&actions);
    if (err) return -err;
    err = keep_open(&actions, plan_fd) || keep_open(&actions, sync_fd) || keep_open(&actions, exe)
        || (p && shim_plan_each_fd(p, keep_named_fd, &actions));
    if (err) { posix_spawn_file_actions_destroy(&actions); return -ENOMEM; }
    struct stage0_exec x;
    stage0_exec_init(&x, exe, plan_fd, sync_fd);
    pid_t pid;
    err = posix_spawn(&pid, x.path, &actions, NULL, x.argv, x.envp);
    posix_spawn_file_actions_destroy(&actions);
    return err ? -err : pid;
}

pid_t shim_spawn_start(const struct shim_plan *plan, int *sync_fd) {
    int exe = shim_protected_exe();
    if (exe < 0) return exe;
    struct shim_plan p;
    int plan_fd = stage0_plan(plan, exe, &p);
    if (plan_fd < 0) { close(exe); return plan_fd; }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) { close(plan_fd); close(exe); return -errno; }
    pid_t stage0 = start_stage0(&p, exe, plan_fd, sv[1]);
    close(plan_fd);
    close(sv[1]);
    // Stage 0 holds the image now, and the init after it: our reference goes (see exe_fd).
    close(exe);
    if (stage0 < 0) { close(sv[0]); return stage0; }
    *sync_fd = sv[0];
    return stage0;
}

// An early stage 0 is vforked by hand rather than with posix_spawn: its child first moves
// itself to the other CPUs of our mask (`away`). Queued on our CPU, the new stage 0 started
// there, the parent woke behind it and both waited for milliseconds (an idle CPU does not
// pull a task at once); shim_spawn_send gives it our whole mask back before it can clone the
// init. vfork, not fork: no copy of our page tables, no copy-on-write faults afterwards (a
// fork cost ~7 % more CPU with ten containers started at once on two CPUs).
static pid_t vfork_stage0(int exe, int sync_fd, const uint64_t *away) {
    struct stage0_exec x;
    stage0_exec_init(&x, exe, -1, sync_fd);
    // Every signal stays blocked in the child up to and across execve: no handler of ours
    // runs on our stack in it, and the init clears the mask (child.c) as after posix_spawn.
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);
    volatile int exec_err = 0;   // written by the child: our memory until it execs
    pid_t pid = vfork();
    if (pid == 0) {
        // Plain syscall wrappers only, as after any vfork. Moving away is a hint.
        if (away) (void)syscall(SYS_sched_setaffinity, 0, 16 * sizeof(uint64_t), away);
        if (fcntl(sync_fd, F_SETFD, 0) == 0 && fcntl(exe, F_SETFD, 0) == 0) execve(x.path, x.argv, x.envp);
        exec_err = errno ? errno : EIO;
        _exit(127);
    }
    int err = pid < 0 ? -errno : -exec_err;   // exec_err: only a failed child sets it
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid > 0 && err) (void)shim_reap(pid);
    return err ? err : pid;
}

// Our mask without the CPU we run on, when at least one other CPU is left in it.
static int other_cpus(uint64_t *mask, uint64_t *away) {
    long n = syscall(SYS_sched_getaffinity, 0, 16 * sizeof(uint64_t), mask);
    unsigned int cpu;
    if (n <= 0 || syscall(SYS_getcpu, &cpu, NULL, NULL) < 0 || cpu >= 1024) return 0;
    memset((char *)mask + n, 0, 16 * sizeof(uint64_t) - (size_t)n);
    int others = 0;
    for (int i = 0; i < 16; i++) {
        away[i] = mask[i];
        if (i == (int)(cpu / 64)) away[i] &= ~(1ULL << (cpu % 64));
        others |= away[i] != 0;
    }
    return others;
}

int shim_spawn_early(struct shim_early *e) {
    memset(e, 0, sizeof *e);
    e->sync_fd = e->child_end = e->exe = -1;
    int exe = shim_protected_exe();
    if (exe < 0) return exe;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) { close(exe); return -errno; }
    uint64_t away[16];
    e->narrowed = other_cpus(e->affinity, away);
    pid_t pid = vfork_stage0(exe, sv[1], e->narrowed ? away : NULL);
    if (pid < 0) { close(sv[0]); close(sv[1]); close(exe); return pid; }
    e->pid = pid;
    e->sync_fd = sv[0];
    e->child_end = sv[1];
    e->exe = exe;
    return 0;
}

int shim_spawn_send(struct shim_early *e, const struct shim_plan *plan) {
    // Stage 0 has our CPU mask again before it reads the plan: the init inherits that mask.
    if (e->narrowed && syscall(SYS_sched_setaffinity, e->pid, 16 * sizeof(uint64_t), e->affinity) < 0) return -errno;
    e->narrowed = 0;
    struct shim_plan p;
    int plan_fd = stage0_plan(plan, e->exe, &p);
    if (plan_fd < 0) return plan_fd;
    int fds[SHIM_MAX_PLAN_FDS];
    int n = shim_plan_fd_list(&p, plan_fd, fds);
    int err = n < 0 ? n : shim_plan_send_fds(e->sync_fd, fds, n);
    close(plan_fd);
    if (err) return err;
    close(e->child_end);
    close(e->exe);   // stage 0 holds the image now, and the init after it (see exe_fd)
    e->child_end = e->exe = -1;
    return 0;
}

void shim_spawn_cancel(struct shim_early *e) {
    if (e->pid > 0) {
        kill(e->pid, SIGKILL);
        (void)shim_reap(e->pid);
        e->pid = 0;
    }
    if (e->sync_fd >= 0) close(e->sync_fd);
    if (e->child_end >= 0) close(e->child_end);
    if (e->exe >= 0) close(e->exe);
    e->sync_fd = e->child_end = e->exe = -1;
}

pid_t shim_spawn_finish(pid_t stage0, int *sync_fd, struct shim_msg *msg) {
    memset(msg, 0, sizeof *msg);
    // Stage 0 reports the init's pid (or what failed), then exits.
    pid_t pid;
    int err = shim_wait(*sync_fd, msg);
    if (err == 0 && msg->kind == SHIM_PID && msg->pid > 0) pid = msg->pid;
    else if (err == 0 && msg->kind == SHIM_ERROR) pid = -(msg->err ? msg->err : EPROTO);
    else pid = err ? err : -EPROTO;
    if (pid < 0) { (void)shim_reap(stage0); close(*sync_fd); *sync_fd = -1; return pid; }
    memset(msg, 0, sizeof *msg);
    return pid;
}

int shim_reap(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -errno;
    }
    return 0;
}

int shim_release(int sync_fd) {
    char go = 'g';
    return send(sync_fd, &go, 1, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int shim_wait(int sync_fd, struct shim_msg *msg) {
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { msg, sizeof *msg };
    for (;;) {
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
        ssize_t n = recvmsg(sync_fd, &m, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n != (ssize_t)sizeof *msg) return n == 0 ? -EPIPE : (n < 0 ? -errno : -EPROTO);
        msg->fd = -1;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        if (c && c->cmsg_type == SCM_RIGHTS) memcpy(&msg->fd, CMSG_DATA(c), sizeof(int));
        return 0;
    }
}

int shim_wait_detached(int sync_fd) {
    char c;
    ssize_t n;
    do { n = recv(sync_fd, &c, 1, 0); } while (n < 0 && errno == EINTR);
    return n == 0 ? 0 : (n < 0 ? -errno : -EPROTO);
}

// Receive one fd sent with SCM_RIGHTS (the pty master, for a foreground `run`).
int shim_recv_fd(int sock) {
    char byte[64];
    struct iovec iov = { byte, sizeof byte };
    char control[CMSG_SPACE(sizeof(int))];
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    ssize_t n;
    do { n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) return -EPROTO;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

// Send a payload with one fd attached (seccomp listener to the agent). 0 or -errno.
int shim_send_fd(int sock, const void *payload, size_t len, int fd) {
    struct iovec iov = { (void *)payload, len };
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t n;
    do { n = sendmsg(sock, &msg, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

static int fill_unix_addr(struct sockaddr_un *addr, const char *path, socklen_t *len) {
    size_t n = strlen(path);
    if (n >= sizeof addr->sun_path) return -ENAMETOOLONG;
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, path, n);
    if (path[0] == '@') addr->sun_path[0] = 0;   // abstract namespace, as systemd writes it
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
    return 0;
}

int shim_unix_dgram_bind(const char *path) {
    struct sockaddr_un addr;
    socklen_t len;
    int err = fill_unix_addr(&addr, path, &len);
    if (err) return err;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (bind(fd, (struct sockaddr *)&addr, len) < 0) { err = -errno; close(fd); return err; }
    return fd;
}

int shim_unix_dgram_send(const char *path, const void *data, size_t n) {
    struct sockaddr_un addr;
    socklen_t len;
    int err = fill_unix_addr(&addr, path, &len);
    if (err) return err;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    err = sendto(fd, data, n, MSG_NOSIGNAL, (struct sockaddr *)&addr, len) < 0 ? -errno : 0;
    close(fd);
    return err;
}
