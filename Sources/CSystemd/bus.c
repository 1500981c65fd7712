// sd-bus through dlopen: the symbols are declared by <systemd/sd-bus.h> and resolved once.
// In a -static-executable build this still works: glibc's static dlopen loads
// libsystemd.so.0 (and its own libc.so.6) at run time. Memory owned by sd-bus is freed
// only through sd-bus, and strings are copied out before their message is released.
#define _GNU_SOURCE
#include "csystemd.h"
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>

#define SD_FUNCS(X) \
    X(sd_bus_new) X(sd_bus_set_address) X(sd_bus_set_bus_client) X(sd_bus_start) \
    X(sd_bus_flush_close_unref) X(sd_bus_message_new_method_call) X(sd_bus_message_unref) \
    X(sd_bus_message_append_basic) X(sd_bus_message_open_container) \
    X(sd_bus_message_close_container) X(sd_bus_message_append_array) X(sd_bus_call) \
    X(sd_bus_message_read_basic) X(sd_bus_message_read) X(sd_bus_match_signal) \
    X(sd_bus_slot_unref) X(sd_bus_process) X(sd_bus_wait) X(sd_bus_error_free) \
    X(sd_bus_get_property)

#define X(name) static __typeof__(name) *p_##name;
SD_FUNCS(X)
#undef X

static int loaded;   // 0 not tried, 1 ok, <0 failed

static int load(char *err, size_t errlen) {
    if (loaded) {
        if (loaded < 0) snprintf(err, errlen, "libsystemd.so.0 could not be loaded");
        return loaded > 0 ? 0 : -ENOENT;
    }
    void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(err, errlen, "loading libsystemd.so.0: %s", why ? why : "unknown error");
        loaded = -1;
        return -ENOENT;
    }
#define X(name) \
    if (!(p_##name = (__typeof__(name) *)dlsym(h, #name))) { \
        snprintf(err, errlen, "libsystemd.so.0 lacks " #name); loaded = -1; return -ENOENT; }
    SD_FUNCS(X)
#undef X
    loaded = 1;
    return 0;
}

static int fail(int r, const sd_bus_error *e, const char *what, char *err, size_t errlen) {
    if (e && e->name)
        snprintf(err, errlen, "%s: %s", e->name, e->message ? e->message : "");
    else
        snprintf(err, errlen, "%s: %s", what, strerror(r < 0 ? -r : r));
    return r < 0 ? r : -r;
}

int csd_connect(const char *address, int bus_client, csd_bus **out, char *err, size_t errlen) {
    int r = load(err, errlen);
    if (r < 0) return r;
    sd_bus *b = NULL;
    if ((r = p_sd_bus_new(&b)) < 0) return fail(r, NULL, "sd_bus_new", err, errlen);
    if ((r = p_sd_bus_set_address(b, address)) < 0 ||
        (r = p_sd_bus_set_bus_client(b, bus_client)) < 0 ||
        (r = p_sd_bus_start(b)) < 0) {
        p_sd_bus_flush_close_unref(b);
        return fail(r, NULL, address, err, errlen);
    }
    *out = (csd_bus *)b;
    return 0;
}

void csd_close(csd_bus *bus) {
    if (bus) p_sd_bus_flush_close_unref((sd_bus *)bus);
}

int csd_new_call(csd_bus *bus, const char *member, csd_msg **out) {
    sd_bus_message *m = NULL;
    int r = p_sd_bus_message_new_method_call((sd_bus *)bus, &m, "org.freedesktop.systemd1",
                                             "/org/freedesktop/systemd1",
                                             "org.freedesktop.systemd1.Manager", member);
    if (r >= 0) *out = (csd_msg *)m;
    return r < 0 ? r : 0;
}

void csd_msg_free(csd_msg *msg) {
    if (msg) p_sd_bus_message_unref((sd_bus_message *)msg);
}

int csd_append_basic(csd_msg *msg, char type, const void *value) {
    int r = p_sd_bus_message_append_basic((sd_bus_message *)msg, type, value);
    return r < 0 ? r : 0;
}

int csd_open_container(csd_msg *msg, char type, const char *contents) {
    int r = p_sd_bus_message_open_container((sd_bus_message *)msg, type, contents);
    return r < 0 ? r : 0;
}

int csd_close_container(csd_msg *msg) {
    int r = p_sd_bus_message_close_container((sd_bus_message *)msg);
    return r < 0 ? r : 0;
}

int csd_append_bytes(csd_msg *msg, const void *bytes, size_t count) {
    int r = p_sd_bus_message_append_array((sd_bus_message *)msg, 'y', bytes, count);
    return r < 0 ? r : 0;
}

int csd_call(csd_bus *bus, csd_msg *msg, char *err, size_t errlen) {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    int r = p_sd_bus_call((sd_bus *)bus, (sd_bus_message *)msg, 0, &e, &reply);
    if (r < 0) r = fail(r, &e, "D-Bus call", err, errlen);
    else r = 0;
    p_sd_bus_error_free(&e);
    if (reply) p_sd_bus_message_unref(reply);
    return r;
}

struct job_wait {
    char path[256];
    char result[64];
    int done;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *e) {
    (void)e;
    struct job_wait *w = userdata;
    uint32_t id;
    const char *path = NULL, *unit = NULL, *result = NULL;
    if (p_sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0) return 0;
    if (w->path[0] && path && strcmp(path, w->path) == 0) {
        snprintf(w->result, sizeof w->result, "%s", result ? result : "");
        w->done = 1;
    }
    return 0;
}

int csd_call_job(csd_bus *bus, csd_msg *msg, uint64_t timeout_usec,
                 char *result, size_t resultlen, char *err, size_t errlen) {
    sd_bus *b = (sd_bus *)bus;
    struct job_wait w = {0};
    sd_bus_slot *slot = NULL;
    sd_bus_error e = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    // The match goes first: a job can finish before the call's reply is read.
    int r = p_sd_bus_match_signal(b, &slot, NULL, "/org/freedesktop/systemd1",
                                  "org.freedesktop.systemd1.Manager", "JobRemoved",
                                  on_job_removed, &w);
    if (r < 0) return fail(r, NULL, "adding a JobRemoved match", err, errlen);
    r = p_sd_bus_call(b, (sd_bus_message *)msg, 0, &e, &reply);
    if (r < 0) {
        r = fail(r, &e, "D-Bus call", err, errlen);
        goto out;
    }
    const char *job = NULL;
    if ((r = p_sd_bus_message_read_basic(reply, 'o', &job)) < 0 || !job) {
        r = fail(r < 0 ? r : -EBADMSG, NULL, "reading the job path", err, errlen);
        goto out;
    }
    snprintf(w.path, sizeof w.path, "%s", job);
    // Signals queued while waiting for the reply are dispatched here.
    uint64_t waited = 0;
    const uint64_t step = 100000;
    while (!w.done) {
        r = p_sd_bus_process(b, NULL);
        if (r < 0) { r = fail(r, NULL, "reading from the bus", err, errlen); goto out; }
        if (r > 0) continue;
        if (waited >= timeout_usec) {
            r = fail(-ETIMEDOUT, NULL, "waiting for the systemd job", err, errlen);
            goto out;
        }
        r = p_sd_bus_wait(b, step);
        if (r < 0) { r = fail(r, NULL, "waiting on the bus", err, errlen); goto out; }
        if (r == 0) waited += step;
    }
    snprintf(result, resultlen, "%s", w.result);
    r = 0;
out:
    p_sd_bus_error_free(&e);
    if (reply) p_sd_bus_message_unref(reply);
    p_sd_bus_slot_unref(slot);
    return r;
}

int csd_manager_string(csd_bus *bus, const char *name, char *out, size_t outlen, char *err, size_t errlen) {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    const char *value = NULL;
    // The reply, not a malloc'd copy: in a static build libsystemd has its own malloc.
    int r = p_sd_bus_get_property((sd_bus *)bus, "org.freedesktop.systemd1",
                                  "/org/freedesktop/systemd1",
                                  "org.freedesktop.systemd1.Manager", name, &e, &reply, "s");
    if (r >= 0) r = p_sd_bus_message_read_basic(reply, 's', &value);
    if (r < 0) {
        r = fail(r, &e, name, err, errlen);
    } else {
        snprintf(out, outlen, "%s", value ? value : "");
        r = 0;
    }
    p_sd_bus_error_free(&e);
    if (reply) p_sd_bus_message_unref(reply);
    return r;
}
