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
#include "spawn_internal.h"

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

int shim_stage0_plan(const struct shim_plan *plan, int exe, struct shim_plan *sent) {
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

void shim_stage0_exec_init(struct shim_stage0_exec *x, int exe, int plan_fd, int sync_fd) {
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
    struct shim_stage0_exec x;
    shim_stage0_exec_init(&x, exe, plan_fd, sync_fd);
    pid_t pid;
    err = posix_spawn(&pid, x.path, &actions, NULL, x.argv, x.envp);
    posix_spawn_file_actions_destroy(&actions);
    return err ? -err : pid;
}

pid_t shim_spawn_start(const struct shim_plan *plan, int *sync_fd) {
    int exe = shim_protected_exe();
    if (exe < 0) return exe;
    struct shim_plan p;
    int plan_fd = shim_stage0_plan(plan, exe, &p);
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
