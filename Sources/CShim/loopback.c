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

void shim_loopback_up(int sync_fd) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) shim_fail(sync_fd, errno, "socket for bringing up", "lo");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    shim_strlcpy(ifr.ifr_name, "lo", sizeof ifr.ifr_name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) shim_fail(sync_fd, errno, "reading flags of", "lo");
    if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) shim_fail(sync_fd, errno, "bringing up", "lo");
    }
    close(s);
}
