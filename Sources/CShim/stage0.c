// Stage 0: the first code of every container-side process (init, exec, container hooks).
//
// The parent forks a plain child that re-executes the runtime binary from a read-only,
// detached bind mount of it (or a sealed memfd copy), before anything joins the container's
// namespaces. So whatever a container process can reach — /proc/<pid>/exe of the init or of
// an exec'd process, or /proc/self/exe named at the final execve — is that read-only image:
// opening it for writing fails with EROFS, and the host's binary cannot be overwritten (the
// CVE-2019-5736 class). The re-executed image stops here, in a constructor, before the Swift
// runtime does anything: it unpacks the plan, enters what only affects children (a joined
// pid namespace, a new time namespace, a joined user namespace), clones the init as the
// runtime's child (CLONE_PARENT), reports its pid and exits.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include "child_internal.h"
#include "plan_pack.h"
#include "plan_transfer.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char stage0_env[] = "_RUNTIME_STAGE0=";

// "<digits>" up to `stop` → *v; the rest of the string, or NULL.
static const char *parse_fd(const char *s, char stop, int *v) {
    if (*s < '0' || *s > '9') return NULL;
    *v = 0;
    while (*s >= '0' && *s <= '9') {
        if (*v > 100000000) return NULL;
        *v = *v * 10 + (*s++ - '0');
    }
    return *s == stop ? s + 1 : NULL;
}

// "<plan fd>,<sync fd>" → two fds; 0 on success. "recv,<sync fd>": the plan comes over the
// socket (an early stage 0, see plan_transfer.c), *plan_fd is -1.
static int parse_fds(const char *s, int *plan_fd, int *sync_fd) {
    if (strncmp(s, "recv,", 5) == 0) {
        *plan_fd = -1;
        s += 5;
    } else if (!(s = parse_fd(s, ',', plan_fd))) {
        return -1;
    }
    return parse_fd(s, 0, sync_fd) ? 0 : -1;
}

static void send_pid(int sync_fd, pid_t pid) {
    struct shim_msg m;
    memset(&m, 0, sizeof m);
    m.kind = SHIM_PID;
    m.fd = -1;
    m.pid = pid;
    (void)!send(sync_fd, &m, sizeof m, MSG_NOSIGNAL);
}

// The init is cloned into the plan's new namespaces, less those stage 0 made already.
static pid_t clone_init(struct shim_plan *p, unsigned long made) {
    unsigned long flags = (p->clone_flags & ~made) | CLONE_PARENT;
    if (p->cgroup_fd >= 0) {
        // Born in its cgroup2 directory: no migration at all.
        struct clone_args args;
        memset(&args, 0, sizeof args);
        args.flags = flags | CLONE_INTO_CGROUP;
        // With CLONE_PARENT the child's exit signal is ours (SIGCHLD, from posix_spawn):
        // clone3 refuses any other value with EINVAL, which sent every clone to the fallback.
        args.exit_signal = 0;
        args.cgroup = (uint64_t)p->cgroup_fd;
        pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
        if (pid >= 0) return pid;
        // Older kernels and seccomp-filtered callers refuse clone3: the child then writes
        // itself into cgroup.procs (crun's fallback).
        if (errno != ENOSYS && errno != EPERM && errno != E2BIG && errno != EINVAL) return -errno;
        p->cgroup_join_by_write = 1;
    }
    pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
    return pid < 0 ? -errno : pid;
}

// Namespaces an early stage 0 makes as soon as the parent announces them (SHIM_PREPARE),
// while the parent still plans: a network namespace costs ~1 ms to make. Owned by our user
// namespace, as the clone would make them (none is announced when a user namespace is in
// play). The init inherits them.
#define EARLY_NAMESPACES (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

static int receive_plan(int sync_fd, unsigned long *made, int *loopback_up) {
    for (;;) {
        unsigned long announced = 0;
        int plan_fd = shim_plan_receive_fds(sync_fd, &announced);
        if (plan_fd >= 0) return plan_fd;
        announced &= EARLY_NAMESPACES;
        // A hint only: if this fails, the clone asks for them again and reports its error.
        if (announced && !*made && unshare((int)announced) == 0) {
            *made = announced;
            if (announced & CLONE_NEWNET) *loopback_up = shim_loopback_try_up();
        }
    }
}

__attribute__((noreturn)) static void stage0(int plan_fd, int sync_fd) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    unsigned long made = 0;
    int loopback_up = 0;
    if (plan_fd < 0) plan_fd = receive_plan(sync_fd, &made, &loopback_up);
    struct stat st;
    if (fstat(plan_fd, &st) < 0 || st.st_size < (off_t)sizeof(struct shim_plan))
        shim_fail(sync_fd, EPROTO, "reading the launch plan", NULL);
    void *buf = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, plan_fd, 0);
    if (buf == MAP_FAILED) shim_fail(sync_fd, errno, "mapping the launch plan", NULL);
    close(plan_fd);
    struct shim_plan *p = shim_plan_unpack(buf, (size_t)st.st_size);
    if (!p) shim_fail(sync_fd, EPROTO, "unpacking the launch plan", NULL);
    if (getppid() != p->parent_pid) _exit(126);   // the runtime is gone already
    if ((made & ~p->clone_flags) || (made && (p->join_user_first || (p->clone_flags & CLONE_NEWUSER))))
        shim_fail(sync_fd, EPROTO, "namespaces made before the plan do not match it", NULL);
    if (loopback_up) p->loopback_up = 0;   // brought up in the network namespace made above

    if (p->pid_ns_join) {
        int fd = open(p->pid_ns_join, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWPID) < 0) shim_fail(sync_fd, errno, "joining pid namespace", p->pid_ns_join);
        close(fd);
    }
    if (p->new_time_ns) {
        if (unshare(CLONE_NEWTIME) < 0) shim_fail(sync_fd, errno, "unshare(CLONE_NEWTIME)", NULL);
        if (p->time_offsets) {
            int err = shim_write_file("/proc/self/timens_offsets", p->time_offsets);
            if (err) shim_fail(sync_fd, -err, "writing", "/proc/self/timens_offsets");
        }
    }
    if (p->join_user_first) {
        // Joining a user namespace *and* creating others: the new ones must belong to the
        // joined namespace, so we join first (runc's stage 1 → 2).
        shim_join_namespaces(p, sync_fd);
        p->njoins = 0;   // the init is born inside them
        // Root of the joined namespace, so the files made for the container (mount points,
        // /dev) get an owner that namespace can map; ignored if 0 is unmapped.
        (void)!syscall(SYS_setresgid, 0, 0, 0);
        (void)!syscall(SYS_setresuid, 0, 0, 0);
    }
    // Until the parent has written its id maps the child must stay dumpable (an unprivileged
    // parent cannot open /proc/<pid>/uid_map otherwise); without a new user namespace it is
    // born non-dumpable.
    if (!(p->clone_flags & CLONE_NEWUSER)) prctl(PR_SET_DUMPABLE, 0);
    pid_t pid = clone_init(p, made);
    if (pid == 0) shim_child_main(p, sync_fd);
    if (pid < 0) shim_fail(sync_fd, -pid, "clone", NULL);
    send_pid(sync_fd, pid);
    _exit(0);
}

// Runs before main() in every process of this binary; returns at once unless this process
// is a stage 0 (its environment holds exactly our variable).
__attribute__((constructor)) static void shim_stage0_entry(int argc, char **argv, char **envp) {
    if (!envp || !envp[0] || envp[1]) return;
    if (strncmp(envp[0], stage0_env, sizeof stage0_env - 1) != 0) return;
    if (argc > 0 && argv[0]) prctl(PR_SET_NAME, argv[0], 0, 0, 0);
    int plan_fd, sync_fd;
    if (parse_fds(envp[0] + sizeof stage0_env - 1, &plan_fd, &sync_fd) < 0) _exit(126);
    stage0(plan_fd, sync_fd);
}

// --- the read-only image --------------------------------------------------------------

#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 2U
#endif

// A sealed copy, where no detached mount can be made (no CAP_SYS_ADMIN in our mount
// namespace) and the binary is writable by us (so by what we start).
static int sealed_copy(void) {
    int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (src < 0) return -errno;
    struct stat st;
    int fd = (int)syscall(SYS_memfd_create, "runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    int err = fd < 0 || fstat(src, &st) < 0 ? -errno : 0;
    for (off_t done = 0; !err && done < st.st_size;) {
        ssize_t n = sendfile(fd, src, &done, (size_t)(st.st_size - done));
        if (n <= 0) err = n < 0 ? -errno : -EIO;
    }
    close(src);
    if (!err && fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) err = -errno;
    if (err) { if (fd >= 0) close(fd); return err; }
    return fd;
}

// A detached mount is cheap to make (two syscalls): every spawn makes its own and hands it
// to stage 0, so the last fd, whose close waits for an RCU grace period, is the child's. A
// sealed copy is costly to make: made once, and each spawn gets a dup of it.
static pthread_mutex_t copy_lock = PTHREAD_MUTEX_INITIALIZER;
static int copy_fd = -1;

static int detached_image(void) {
    int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd < 0) return -1;
    struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
    // Kernels before 5.12 have open_tree but not mount_setattr: fall back.
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int shim_protected_exe(void) {
    int fd = detached_image();
    if (fd >= 0) return fd;
    pthread_mutex_lock(&copy_lock);
    if (copy_fd < 0) {   // made once; a failure is retried next time
        if (faccessat(AT_FDCWD, "/proc/self/exe", W_OK, AT_EACCESS) < 0 && (errno == EACCES || errno == EROFS)) {
            // Not writable by us, so not by anything we start either (rootless): the binary as is.
            fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
            if (fd < 0) fd = -errno;
        } else {
            fd = sealed_copy();
        }
        if (fd >= 0) copy_fd = fd;
    }
    if (copy_fd >= 0) {
        fd = fcntl(copy_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0) fd = -errno;
    }
    pthread_mutex_unlock(&copy_lock);
    return fd;
}
