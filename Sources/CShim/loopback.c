// A new network namespace starts with `lo` down: 127.0.0.1 would be unreachable (podman
// --network none, buildah). runc and crun bring it up; so do we.
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "child_internal.h"

// 0, or errno with the failing step in *step.
static int loopback_up(const char **step) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) { *step = "socket for bringing up"; return errno; }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    shim_strlcpy(ifr.ifr_name, "lo", sizeof ifr.ifr_name);
    int err = 0;
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        *step = "reading flags of";
        err = errno;
    } else if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) { *step = "bringing up"; err = errno; }
    }
    close(s);
    return err;
}

void shim_loopback_up(int sync_fd) {
    const char *step = NULL;
    int err = loopback_up(&step);
    if (err) shim_fail(sync_fd, err, step, "lo");
}

int shim_loopback_try_up(void) {
    const char *step;
    return loopback_up(&step) == 0;
}
