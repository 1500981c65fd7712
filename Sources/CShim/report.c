// How the child says what went wrong: a message up the sync socket while `create` waits,
// or a line on stderr once it has returned (after the exec fifo).
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "child_internal.h"

// The init's sync socket while it works before its first release (shim_defer_failures).
static int deferring_fd = -1;

void shim_defer_failures(int sync_fd) { deferring_fd = sync_fd; }

void shim_wait_for_parent(int sync_fd) {
    char go;
    ssize_t n;
    do { n = recv(sync_fd, &go, 1, 0); } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(126);   // the parent gave up (rolled back) or died: nothing to report to
}

void shim_fail(int sync_fd, int err, const char *step, const char *path) {
    // Reported after the release, where the parent reads: stage 0's PID message first.
    if (deferring_fd >= 0 && sync_fd == deferring_fd) shim_wait_for_parent(sync_fd);
    struct shim_msg m;
    memset(&m, 0, sizeof m);
    m.kind = SHIM_ERROR;
    m.err = err;
    shim_strlcpy(m.what, step, sizeof m.what);
    if (path) {
        shim_strlcat(m.what, " ", sizeof m.what);
        shim_strlcat(m.what, path, sizeof m.what);
    }
    (void)!send(sync_fd, &m, sizeof m, MSG_NOSIGNAL);
    _exit(127);
}

static const char *errno_text(int err) {
    switch (err) {
    case ENOENT: return "no such file or directory";
    case EACCES: return "permission denied";
    case EPERM: return "operation not permitted";
    case ENOEXEC: return "exec format error";
    case ENOTDIR: return "not a directory";
    case EISDIR: return "is a directory";
    case ENOMEM: return "out of memory";
    case E2BIG: return "argument list too long";
    case ELOOP: return "too many levels of symbolic links";
    case ETXTBSY: return "text file busy";
    case EINVAL: return "invalid argument";
    case EROFS: return "read-only file system";
    case ENXIO: return "no such device or address";
    case EBADF: return "bad file descriptor";
    case EFAULT: return "bad address";
    case EAGAIN: return "resource temporarily unavailable";
    default: return NULL;
    }
}

void shim_fail_late(int err, const char *step, const char *path) {
    char line[600] = "runtime: ";
    shim_strlcat(line, step, sizeof line);
    if (path) {
        shim_strlcat(line, " ", sizeof line);
        shim_strlcat(line, path, sizeof line);
    }
    shim_strlcat(line, ": ", sizeof line);
    const char *text = errno_text(err);
    if (text) {
        shim_strlcat(line, text, sizeof line);
    } else {
        // No text of our own for it: the number, so nothing is lost.
        char num[16] = "errno ";
        char digits[12];
        int n = 0;
        unsigned int v = err < 0 ? (unsigned int)-err : (unsigned int)err;
        do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v);
        size_t at = strlen(num);
        while (n) num[at++] = digits[--n];
        num[at] = 0;
        shim_strlcat(line, num, sizeof line);
    }
    shim_strlcat(line, "\n", sizeof line);
    (void)!write(2, line, strlen(line));
    _exit(err == ENOENT ? 127 : 126);
}
