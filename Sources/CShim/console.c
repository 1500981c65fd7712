// process.terminal: a pty from the container's own devpts instance (so the process sees
// /dev/pts/0), its master sent to the caller's --console-socket with SCM_RIGHTS.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <termios.h>
#include "child_internal.h"

// Returns the slave fd. Runs after pivot_root, so /dev/ptmx is the container's.
int shim_setup_console(struct shim_plan *p, int sync_fd) {
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) shim_fail(sync_fd, errno, "opening", "/dev/ptmx");
    int unlock = 0, n = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0) shim_fail(sync_fd, errno, "unlocking pty", NULL);
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0) {
        if (ioctl(master, TIOCGPTN, &n) < 0) shim_fail(sync_fd, errno, "TIOCGPTN", NULL);
        char path[32] = "/dev/pts/";
        char digits[12];
        int len = 0;
        do { digits[len++] = (char)('0' + n % 10); n /= 10; } while (n);
        size_t at = strlen(path);
        while (len) path[at++] = digits[--len];
        path[at] = 0;
        slave = open(path, O_RDWR | O_NOCTTY);
        if (slave < 0) shim_fail(sync_fd, errno, "opening", path);
    }
    if (p->console_rows || p->console_cols) {
        struct winsize ws = { .ws_row = p->console_rows, .ws_col = p->console_cols };
        if (ioctl(slave, TIOCSWINSZ, &ws) < 0) shim_fail(sync_fd, errno, "setting console size", NULL);
    }
    if (p->bind_dev_console) {
        char self[32] = "/proc/self/fd/";
        char digits[12];
        int len = 0, fd = slave;
        do { digits[len++] = (char)('0' + fd % 10); fd /= 10; } while (fd);
        size_t at = strlen(self);
        while (len) self[at++] = digits[--len];
        self[at] = 0;
        int f = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        if (f >= 0) close(f);
        if (mount(self, "/dev/console", NULL, MS_BIND, NULL) < 0) shim_fail(sync_fd, errno, "bind-mounting", "/dev/console");
    }
    // runc sends the pty name as the payload; callers only want the fd.
    static const char name[] = "/dev/ptmx";
    int err = shim_send_fd(p->console_socket_fd, name, sizeof name - 1, master);
    if (err < 0) shim_fail(sync_fd, -err, "sending pty master to console socket", NULL);
    close(master);
    close(p->console_socket_fd);
    return slave;
}
