// Early start: stage 0 is executed while the parent still decodes and plans (its exec and
// libc start-up, ~0.4 ms here, then overlap that work), and the plan follows over the sync
// socket: the plan's memfd and every fd the plan names travel as SCM_RIGHTS, each with the
// number it has in the parent, and stage 0 puts them at those numbers. The plan is then
// read exactly as when it was inherited at spawn time.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "child_internal.h"
#include "plan_pack.h"
#include "plan_transfer.h"

struct plan_fds_msg {
    int32_t kind;                        // SHIM_PLAN
    int32_t count;
    int32_t numbers[SHIM_MAX_PLAN_FDS];  // numbers[0] is the plan's memfd
};

struct prepare_msg {
    int32_t kind;                        // SHIM_PREPARE
    int32_t unused;
    uint64_t clone_flags;
};

struct fd_list { int *fds; int n; };

static int append_fd(int fd, void *ctx) {
    struct fd_list *l = ctx;
    if (l->n == SHIM_MAX_PLAN_FDS) return -E2BIG;
    l->fds[l->n++] = fd;
    return 0;
}

int shim_plan_fd_list(const struct shim_plan *p, int plan_fd, int *fds) {
    struct fd_list l = { fds, 0 };
    append_fd(plan_fd, &l);
    int err = shim_plan_each_fd(p, append_fd, &l);
    return err ? err : l.n;
}

int shim_plan_send_fds(int sync_fd, const int *fds, int count) {
    struct plan_fds_msg m;
    memset(&m, 0, sizeof m);
    m.kind = SHIM_PLAN;
    m.count = count;
    memcpy(m.numbers, fds, (size_t)count * sizeof(int));
    struct iovec iov = { &m, offsetof(struct plan_fds_msg, numbers) + (size_t)count * sizeof(int32_t) };
    union { char buf[CMSG_SPACE(sizeof(int) * SHIM_MAX_PLAN_FDS)]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                          .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)count);
    ssize_t n;
    do { n = sendmsg(sync_fd, &msg, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (n == (ssize_t)iov.iov_len ? 0 : -EPROTO);
}

int shim_plan_send_prepare(int sync_fd, unsigned long clone_flags) {
    struct prepare_msg m = { .kind = SHIM_PREPARE, .clone_flags = clone_flags };
    ssize_t n;
    do { n = send(sync_fd, &m, sizeof m, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (n == (ssize_t)sizeof m ? 0 : -EPROTO);
}

int shim_plan_receive_fds(int sync_fd, unsigned long *prepare) {
    struct plan_fds_msg m;
    union { char buf[CMSG_SPACE(sizeof(int) * SHIM_MAX_PLAN_FDS)]; struct cmsghdr align; } control;
    struct iovec iov = { &m, sizeof m };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    ssize_t n;
    do { n = recvmsg(sync_fd, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n <= 0) _exit(126);   // the parent gave up before planning (bad config) or died
    int got[SHIM_MAX_PLAN_FDS];
    int count = 0;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(got, CMSG_DATA(c), (size_t)count * sizeof(int));
    }
    if (m.kind == SHIM_PREPARE && count == 0 && (size_t)n == sizeof(struct prepare_msg)) {
        struct prepare_msg announced;
        memcpy(&announced, &m, sizeof announced);
        *prepare = (unsigned long)announced.clone_flags;
        return -1;
    }
    if (m.kind != SHIM_PLAN || m.count < 1 || m.count > SHIM_MAX_PLAN_FDS || m.count != count
        || (size_t)n != offsetof(struct plan_fds_msg, numbers) + (size_t)count * sizeof(int32_t)
        || (msg.msg_flags & MSG_CTRUNC))
        shim_fail(sync_fd, EPROTO, "receiving the launch plan", NULL);
    // Out of the way of every number wanted (and of our own sync fd), then into place: a
    // received fd may sit on a number another one is wanted at.
    int base = sync_fd + 1;
    for (int i = 0; i < count; i++) {
        if (m.numbers[i] < 0 || m.numbers[i] == sync_fd) shim_fail(sync_fd, EPROTO, "receiving the launch plan", NULL);
        if (m.numbers[i] >= base) base = m.numbers[i] + 1;
    }
    for (int i = 0; i < count; i++) {
        int moved = fcntl(got[i], F_DUPFD_CLOEXEC, base);
        if (moved < 0) shim_fail(sync_fd, errno, "receiving the launch plan", NULL);
        close(got[i]);
        got[i] = moved;
    }
    for (int i = 0; i < count; i++) {
        // dup2 leaves the copy inheritable, as an fd kept open at spawn time was.
        if (dup2(got[i], m.numbers[i]) < 0) shim_fail(sync_fd, errno, "receiving the launch plan", NULL);
        close(got[i]);
    }
    return m.numbers[0];
}
