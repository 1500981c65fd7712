#ifndef CSYSTEMD_H
#define CSYSTEMD_H
// sd-bus from libsystemd, loaded with dlopen("libsystemd.so.0") on first use: the runtime
// links no libsystemd (Debian ships no static archive, and the cgroupfs path must not pay
// for loading it). Swift builds the messages; C only forwards to sd-bus and waits for jobs.
// Every function returns 0 or a negative errno; error texts go to `err` ("Name: message").
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct csd_bus csd_bus;
typedef struct csd_msg csd_msg;

/// Connects to `address` ("unix:path=/run/dbus/system_bus_socket"); `bus_client` is 1
/// for a message bus and 0 for a direct connection to systemd (/run/systemd/private).
int csd_connect(const char *address, int bus_client, csd_bus **out, char *err, size_t errlen);
void csd_close(csd_bus *bus);

/// A method call to org.freedesktop.systemd1.Manager on /org/freedesktop/systemd1.
int csd_new_call(csd_bus *bus, const char *member, csd_msg **out);
void csd_msg_free(csd_msg *msg);
/// D-Bus basic types: 's' (const char *), 'b' (int32 0/1), 'u' (uint32), 't' (uint64).
int csd_append_basic(csd_msg *msg, char type, const void *value);
int csd_open_container(csd_msg *msg, char type, const char *contents);
int csd_close_container(csd_msg *msg);
/// An "ay" array.
int csd_append_bytes(csd_msg *msg, const void *bytes, size_t count);

/// Calls a method that returns a job object path and waits (at most `timeout_usec`) for
/// that job's JobRemoved signal; its result ("done", "failed", "canceled" …) goes to `result`.
int csd_call_job(csd_bus *bus, csd_msg *msg, uint64_t timeout_usec,
                 char *result, size_t resultlen, char *err, size_t errlen);
/// Calls a method and ignores the reply.
int csd_call(csd_bus *bus, csd_msg *msg, char *err, size_t errlen);
/// A string property of the manager object ("Version", "ControlGroup").
int csd_manager_string(csd_bus *bus, const char *name, char *out, size_t outlen, char *err, size_t errlen);

/// Forks a process that only waits: systemd needs a process to put in a new scope before
/// the container's init exists. It reads a cgroup.procs path from the pipe whose write end
/// goes to *write_fd and exits as soon as another process appears there (or after
/// `max_wait_ms`, or at EOF on the pipe without a path). Returns its pid or -errno.
pid_t csd_placeholder(int *write_fd, unsigned max_wait_ms);

#endif
