// Parent side of the start-up: namespaces that only affect children (joining a pid
// namespace, a new time namespace) are entered around clone(), then restored.
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
#include <sys/un.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <linux/sched.h>
#include "child_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int shim_write_file(const char *path, const char *value) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = write(fd, value, strlen(value));
    int err = n < 0 ? -errno : 0;
    close(fd);
    return err;
}

// Joining a user namespace *and* creating others: the new ones must belong to the joined
// namespace, so an intermediate child joins first and clones the init with CLONE_PARENT
// (runc's stage 1 → 2): the init is still our child. Returns its pid or -errno.
static pid_t spawn_via_intermediate(const struct shim_plan *p, int sv[2]) {
    pid_t mid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (mid < 0) return -errno;
    if (mid == 0) {
        close(sv[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int32_t result = 0;
        int fds[16];
        int n = p->njoins < 16 ? p->njoins : 16;
        for (int i = 0; i < n && !result; i++) {
            fds[i] = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
            if (fds[i] < 0) result = -errno;
        }
        for (int i = 0; i < n && !result; i++)
            if (setns(fds[i], p->joins[i].nstype) < 0) result = -errno;
        if (!result) {
            // Root of the joined namespace, so the files made for the container (mount
            // points, /dev) get an owner that namespace can map; ignored if 0 is unmapped.
            (void)!setresgid(0, 0, 0);
            (void)!setresuid(0, 0, 0);
            struct shim_plan *mp = (struct shim_plan *)p;   // our private copy of the plan
            mp->njoins = 0;
            pid_t init = (pid_t)syscall(SYS_clone, p->clone_flags | CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
            if (init == 0) shim_child_main(mp, sv[1]);
            result = init < 0 ? -errno : init;
        }
        (void)!send(sv[1], &result, sizeof result, MSG_NOSIGNAL);
        _exit(0);
    }
    int32_t result = -EPROTO;
    ssize_t got;
    do { got = recv(sv[0], &result, sizeof result, 0); } while (got < 0 && errno == EINTR);
    waitpid(mid, NULL, 0);
    return got == (ssize_t)sizeof result ? result : -EPROTO;
}

pid_t shim_spawn(const struct shim_plan *p, int *sync_fd) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return -errno;

    int saved_pid_ns = -1, saved_time_ns = -1, err = 0;
    if (p->pid_ns_join) {
        saved_pid_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        int fd = open(p->pid_ns_join, O_RDONLY | O_CLOEXEC);
        if (saved_pid_ns < 0 || fd < 0 || setns(fd, CLONE_NEWPID) < 0) err = -errno;
        if (fd >= 0) close(fd);
    }
    if (!err && p->new_time_ns) {
        saved_time_ns = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
        if (saved_time_ns < 0 || unshare(CLONE_NEWTIME) < 0) err = -errno;
        else if (p->time_offsets) err = shim_write_file("/proc/self/timens_offsets", p->time_offsets);
    }

    pid_t pid = err;
    if (!err && p->join_user_first) {
        pid = spawn_via_intermediate(p, sv);
    } else if (!err && p->cgroup_fd >= 0) {
        // Born in its cgroup2 directory: no migration at all.
        struct clone_args args;
        memset(&args, 0, sizeof args);
        args.flags = p->clone_flags | CLONE_INTO_CGROUP;
        args.exit_signal = SIGCHLD;
        args.cgroup = (uint64_t)p->cgroup_fd;
        pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
        if (pid < 0) pid = -errno;
    } else if (!err) {
        pid = (pid_t)syscall(SYS_clone, p->clone_flags | SIGCHLD, 0, 0, 0, 0);
        if (pid < 0) pid = -errno;
    }
    if (pid == 0) {
        close(sv[0]);
        shim_child_main(p, sv[1]);
    }

    // Restore what clone() inherited, so later children (hooks) run in the runtime's namespaces.
    if (saved_pid_ns >= 0) { (void)setns(saved_pid_ns, CLONE_NEWPID); close(saved_pid_ns); }
    if (saved_time_ns >= 0) { (void)setns(saved_time_ns, CLONE_NEWTIME); close(saved_time_ns); }

    close(sv[1]);
    if (pid < 0) { close(sv[0]); return pid; }
    *sync_fd = sv[0];
    return pid;
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
