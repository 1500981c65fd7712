// Tiny string helpers: the child may not call malloc or stdio.
#include <string.h>
#include "child_internal.h"

size_t shim_strlcpy(char *dst, const char *src, size_t size) {
    size_t n = strlen(src);
    if (size) {
        size_t c = n >= size ? size - 1 : n;
        memcpy(dst, src, c);
        dst[c] = 0;
    }
    return n;
}

size_t shim_strlcat(char *dst, const char *src, size_t size) {
    size_t d = strnlen(dst, size);
    if (d == size) return size + strlen(src);
    return d + shim_strlcpy(dst + d, src, size - d);
}

void shim_fd_path(char *buf, int fd) {
    char digits[12];
    int n = 0;
    shim_strlcpy(buf, "/proc/self/fd/", 32);
    unsigned int v = fd < 0 ? 0 : (unsigned int)fd;
    do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    size_t at = strlen(buf);
    while (n) buf[at++] = digits[--n];
    buf[at] = 0;
}
