// The process that holds a new scope until the container's init is in it. systemd refuses
// a scope without processes, and our init is born directly into its cgroup (clone3
// CLONE_INTO_CGROUP), so the scope must exist first. After fork() this runs only
// async-signal-safe calls.
#define _GNU_SOURCE
#include "csystemd.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned max_wait_global;

static int other_process_in(const char *procs, pid_t self) {
    int fd = open(procs, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? -1 : 0;   // scope gone: nothing to hold
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    pid_t pid = 0;
    int digits = 0;
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] >= '0' && buf[i] <= '9') { pid = pid * 10 + (buf[i] - '0'); digits = 1; continue; }
        if (digits && pid != self) return 1;
        pid = 0;
        digits = 0;
    }
    return digits && pid != self;
}

static void hold(int rd) {
    // Hold nothing of the caller's (locks, its stdout pipe, sockets); stop on SIGTERM
    // from systemd like any scope member.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl = {0};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < 32; s++) sigaction(s, &dfl, NULL);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) { dup2(null, 0); dup2(null, 1); dup2(null, 2); }
    if (rd != 3) dup2(rd, 3);
    syscall(SYS_close_range, 4U, ~0U, 0U);
    char path[4096];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(3, path + len, sizeof path - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
        if (len >= sizeof path - 1) break;
    }
    close(3);
    if (len == 0) _exit(0);
    path[len] = 0;
    pid_t self = getpid();
    struct timespec tick = {0, 1000000};
    for (unsigned waited = 0; waited < max_wait_global; waited++) {
        if (other_process_in(path, self) != 0) _exit(0);
        nanosleep(&tick, NULL);
    }
    _exit(0);
}

pid_t csd_placeholder(int *write_fd, unsigned max_wait_ms) {
    int p[2], info[2];
    if (pipe2(p, O_CLOEXEC) != 0) return -errno;
    if (pipe2(info, O_CLOEXEC) != 0) { int e = errno; close(p[0]); close(p[1]); return -e; }
    max_wait_global = max_wait_ms;
    // Forked twice so that it is no child of ours: no zombie while `run` waits.
    pid_t mid = fork();
    if (mid == 0) {
        pid_t holder = fork();
        if (holder == 0) hold(p[0]);
        (void)!write(info[1], &holder, sizeof holder);
        _exit(0);
    }
    int e = errno;
    close(p[0]);
    close(info[1]);
    pid_t holder = -1;
    if (mid > 0) {
        if (read(info[0], &holder, sizeof holder) != sizeof holder) holder = -1;
        int status;
        while (waitpid(mid, &status, 0) < 0 && errno == EINTR) {}
        e = holder > 0 ? 0 : ECHILD;
    }
    close(info[0]);
    if (holder <= 0) {
        close(p[1]);
        return -e;
    }
    *write_fd = p[1];
    return holder;
}
