// The plan the Swift side resolves and the C child walks between clone() and execve().
// Every field is decided in Swift; C only executes it, with plain syscalls (no malloc,
// no locks, nothing that is not async-signal-safe once the child exists).
#ifndef RUNTIME_SHIM_H
#define RUNTIME_SHIM_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

// Constants glibc only shows under _GNU_SOURCE, which Swift's Glibc module does not set.
enum {
    SHIM_CLONE_NEWNS = 0x00020000, SHIM_CLONE_NEWCGROUP = 0x02000000, SHIM_CLONE_NEWUTS = 0x04000000,
    SHIM_CLONE_NEWIPC = 0x08000000, SHIM_CLONE_NEWUSER = 0x10000000, SHIM_CLONE_NEWPID = 0x20000000,
    SHIM_CLONE_NEWNET = 0x40000000, SHIM_CLONE_NEWTIME = 0x00000080,
    SHIM_O_PATH = 010000000,
};
static inline dev_t shim_makedev(unsigned int major, unsigned int minor) { return makedev(major, minor); }
static inline int shim_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
static inline int shim_memfd(const char *name) { return (int)syscall(SYS_memfd_create, name, 1U /* MFD_CLOEXEC */); }

struct shim_mount {
    const char *source;       // NULL for pseudo filesystems
    const char *target;       // host path the planner resolved (for messages)
    const char *dest;         // container path: resolved again in the child, inside the rootfs,
                              // after the mounts before it (a volume may bring symlinks)
    const char *fstype;       // NULL for bind mounts
    const char *data;         // filesystem-specific options, or NULL
    unsigned long flags;      // MS_* for the mount(2) call
    unsigned long remount_flags; // non-zero: bind mounts are re-mounted with these (ro, nosuid, …)
    unsigned long propagation;   // MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC) or 0
    int make_file;            // mount point is a file (bind of a file), not a directory
    int tree_fd;              // >= 0: a detached tree made by the parent (idmapped, or a bind source
                              // opened before a new user namespace): attached with move_mount
    int ro_after_setup;       // mounted read-write, made read-only once devices and later mounts
                              // are in (a read-only /dev still gets its nodes and /dev/pts)
    uint64_t attr_set;        // recursive options (rro, rnosuid, …) for mount_setattr(AT_RECURSIVE)
    uint64_t attr_clr;
};

struct shim_device {
    const char *path;         // container path: created through fds resolved inside the rootfs
    const char *bind_source;  // non-NULL: bind mount this host node instead of mknod (user namespaces)
    mode_t mode;              // S_IFCHR/S_IFBLK/S_IFIFO | permissions
    dev_t dev;
    uid_t uid;
    gid_t gid;
};

struct shim_symlink {
    const char *target;
    const char *linkpath;     // container path, made inside the rootfs like devices
};

struct shim_ns_join {
    int nstype;               // CLONE_NEW*
    const char *path;
};

struct shim_rlimit {
    const char *what;         // the config field, for errors: "process.rlimits[0] (RLIMIT_NOFILE)"
    int resource;
    uint64_t soft;
    uint64_t hard;
};

struct shim_file_write {       // sysctl and similar single writes: path after pivot, value
    const char *path;
    const char *value;
};

struct shim_plan {
    // Namespaces.
    unsigned long clone_flags;          // CLONE_NEW* created by clone() (never CLONE_NEWTIME)
    int new_time_ns;                    // created in the parent with unshare(), before clone
    const char *time_offsets;           // written to /proc/self/timens_offsets, or NULL
    int cgroup_fd;                      // >= 0: clone3(CLONE_INTO_CGROUP) into this cgroup2 directory
    int cgroup_join_by_write;           // set by stage 0 when clone3 was refused: the child writes
                                        // itself into cgroup_fd's cgroup.procs instead
    const char *const *cgroup_tasks;    // v1 `tasks` files the child writes "0" to itself: moving
    int ncgroup_tasks;                  // only the calling thread skips the global threadgroup
                                        // lock, whose RCU grace period costs ~10 ms per create
    int unshare_cgroupns;               // unshare(CLONE_NEWCGROUP) once placed in the cgroup
    const char *pid_ns_join;            // joined in the parent around clone (affects children only)
    const struct shim_ns_join *joins;   // joined by the child; a user namespace comes first
    int njoins;
    int join_user_first;                // a user namespace is joined and others are new: see spawn.c
    int become_root;                    // setresuid/gid(0) once the id maps exist

    int loopback_up;                    // a new network namespace: bring `lo` up (as runc, crun)
    int hooks_before_pivot;             // stop before pivot_root so the parent runs the prestart,
                                        // createRuntime and createContainer hooks (runtime.md)
    pid_t parent_pid;                   // the runtime: a different parent means it died
    int exe_fd;                         // the read-only image (stage0.c), set by shim_spawn_start:
                                        // the child holds the last reference and drops it once
                                        // let go, so the detached mount's teardown (an RCU grace
                                        // period, up to ~0.5 ms) is not waited for by the parent
    const char *hostname;
    const char *domainname;

    // Filesystem, only when the child has its own mount namespace.
    int setup_rootfs;
    int early_mounts;                   // leading mounts made before the first release (LaunchPlan.mountsBeforeRelease)
    const char *rootfs;                 // absolute host path
    const char *chroot_path;            // no mount namespace of its own: chroot here, or NULL
    unsigned long root_propagation;     // applied to "/" first (runc: MS_SLAVE|MS_REC)
    unsigned long final_propagation;    // linux.rootfsPropagation after pivot, or 0
    const struct shim_mount *mounts;
    int nmounts;
    const struct shim_device *devices;
    int ndevices;
    const struct shim_symlink *symlinks;
    int nsymlinks;
    int no_pivot;
    const struct shim_file_write *sysctls;  // written before readonly paths
    int nsysctls;
    const char *const *masked_paths;        // container paths
    int nmasked;
    const char *const *readonly_paths;
    int nreadonly;
    int readonly_root;

    // Process.
    int exec_fifo_fd;                   // -1: exec at once; else an O_PATH fd of exec.fifo (nothing
                                        // else of the state dir): reopened through /proc/self/fd
                                        // for writing, which blocks until `start` reads
    const char *cwd;
    const char *const *argv;            // NULL-terminated
    const char *const *envp;            // NULL-terminated
    const char *path_env;               // PATH used to find argv[0] when it has no '/'
    int exec_fd;                        // >= 0: execveat this fd (a binary opened in the runtime's
                                        // namespace: createContainer hooks) instead of argv[0]
    const struct shim_rlimit *rlimits;
    int nrlimits;
    int set_groups;                     // 0 when setgroups is denied (user namespace without mapping)
    const gid_t *groups;
    int ngroups;
    uid_t uid;
    gid_t gid;
    int umask;                          // -1: leave alone
    int apply_caps;
    uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
    int no_new_privs;
    const void *seccomp_filter;         // struct sock_filter[], compiled by the parent; NULL for none
    uint32_t seccomp_len;               // instructions (the kernel takes at most 4096)
    unsigned int seccomp_flags;         // SECCOMP_FILTER_FLAG_*
    int seccomp_listener;               // SCMP_ACT_NOTIFY: load with NEW_LISTENER before READY and
                                        // send the listener fd up with it (the caller passes it on)
    int setsid;
    int new_keyring;                    // join a fresh session keyring (runc's default)
    // runtime-spec 1.2 process/linux settings, applied by the child before execve.
    int set_personality;
    unsigned long personality;          // PER_LINUX or PER_LINUX32
    int ioprio;                         // -1: leave alone; else IOPRIO_PRIO_VALUE(class, level)
    int set_scheduler;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    const uint64_t *cpu_affinity_initial;   // 16 words (1024 CPUs) or NULL; right after clone
    const uint64_t *cpu_affinity_final;     // before execve
    int set_mempolicy;                  // linux.memoryPolicy: set_mempolicy(mode | flags, nodes)
    int mempolicy_mode;
    const uint64_t *mempolicy_nodes;    // 16 words (1024 nodes) or NULL
    const char *lsm_exec_path;          // AppArmor/SELinux: /proc/self/attr/... written before execve
    const char *lsm_exec_value;         // "exec <profile>" or the SELinux label
    int console_fd;                     // filled by the child from console_socket_fd; set -1
    int console_socket_fd;              // -1, or a connected unix socket: the child makes a pty in
                                        // the container's devpts and sends the master over it
    unsigned short console_rows, console_cols;
    int bind_dev_console;               // bind the pty slave onto /dev/console (new rootfs only)
    int preserve_fds;                   // fds 3 .. 3+n-1 stay open across execve
};

// Messages the child sends up the sync socket.
// PID: stage 0 (the re-executed runtime image) has cloned the init; HOOKS: the init has made
// its mounts and waits before pivot_root for the parent to run hooks, then to release it.
// PLAN (parent to an early stage 0): the plan's memfd and the fds it names (plan_transfer.c);
// PREPARE (before the plan): the namespaces stage 0 may make ahead of it (stage0.c).
enum shim_msg_kind { SHIM_READY = 1, SHIM_ERROR = 2, SHIM_PID = 3, SHIM_HOOKS = 4, SHIM_PLAN = 5, SHIM_PREPARE = 6 };
struct shim_msg {
    int32_t kind;
    int32_t err;                        // ERROR: errno of the failing step
    int32_t fd;                         // READY: a received fd (seccomp listener) or -1
    int32_t pid;                        // PID: the init's pid in the runtime's pid namespace
    char what[472];                     // which step, on what path
};

// Parent side: the plan is packed into a sealed memfd and a plain child re-executes the
// runtime binary from a read-only copy (stage 0, see stage0.c), which clones the init as our
// child; the init blocks until shim_release(). In two halves, so that the caller can work
// while stage 0 starts (exec, clone): start returns stage 0's pid (> 0) and the parent's end
// of the socketpair in *sync_fd, or -errno; finish returns the init's pid (> 0) or -errno
// (then *sync_fd is closed and set to -1; on an ERROR from stage 0, *msg holds it).
pid_t shim_spawn_start(const struct shim_plan *plan, int *sync_fd);
pid_t shim_spawn_finish(pid_t stage0, int *sync_fd, struct shim_msg *msg);
// Stage 0 exits once it has reported the init's pid; its exit is reaped here, after the first
// release, while the init sets itself up (not between the two). 0 or -errno.
int shim_reap(pid_t pid);

// Early start: stage 0 is executed before the plan exists (its exec and start-up overlap the
// parent's decoding and planning), then shim_spawn_send hands it the plan, after which
// shim_spawn_finish goes on as above. Until then the parent keeps its copies of the child's
// socket end and of the image open, so no fd it opens meanwhile can take their numbers.
struct shim_early {
    pid_t pid;          // stage 0, or 0
    int sync_fd;        // the parent's end
    int child_end;      // stage 0's end, kept until the plan is sent
    int exe;            // the read-only image it was executed from
    int narrowed;       // stage 0 was started away from our CPU: `affinity` is given back to it
    uint64_t affinity[16];  // our CPU mask (1024 CPUs) when stage 0 was started
    void *launch;       // what stage 0 uses of our memory until its execve (early_spawn.c)
    int exec_report;    // read end of a close-on-exec pipe: EOF once stage 0 has executed
};
// 0 with *e filled, or -errno.
int shim_spawn_early(struct shim_early *e);
// Announces CLONE_NEW* flags the plan will hold (no user namespace among them or joined):
// stage 0 makes the costly ones while the plan is still being made. A hint: 0 or -errno.
int shim_spawn_prepare(struct shim_early *e, unsigned long clone_flags);
// Sends the plan; stage 0 then clones the init. 0, or -errno (nothing was sent: cancel it).
int shim_spawn_send(struct shim_early *e, const struct shim_plan *plan);
// Stage 0 is not needed after all (the config was refused): killed, reaped, fds closed.
void shim_spawn_cancel(struct shim_early *e);
// The read-only image every container-side process is executed from (see stage0.c): a new
// fd per call, the caller's to close once stage 0 holds its own. fd or -errno.
int shim_protected_exe(void);
// Let the child go on: first after id maps and cgroup placement, again once the container
// is recorded (the child then drops its parent-death signal and closes its end).
int shim_release(int sync_fd);
// Wait for READY or ERROR. Returns 0 and fills msg; -errno on I/O failure (child died: EPIPE).
int shim_wait(int sync_fd, struct shim_msg *msg);

// Idmapped mounts (mounts[].uidMappings), prepared in the parent before clone():
// a user namespace holding the mappings (from a short-lived helper), and a detached copy of
// `source` carrying them. Both return an fd or -errno.
int shim_userns_fd(const char *uid_map, const char *gid_map);
int shim_idmapped_tree(const char *source, int recursive, int userns_fd);
// A detached copy of `source` (a plain bind), opened with the caller's credentials: for a
// container in a new user namespace, whose root may not be allowed to look the source up.
int shim_detached_tree(const char *source, int recursive);

// Unix datagram sockets for sd_notify ("@name" is the abstract namespace); fd/0 or -errno.
int shim_unix_dgram_bind(const char *path);
int shim_unix_dgram_send(const char *path, const void *data, size_t n);
// Opens `path` of the image rooted at `rootfs`, resolved inside it (openat2 RESOLVE_IN_ROOT);
// fd or -errno.
int shim_open_in_rootfs(const char *rootfs, const char *path, int flags);
// Write a string to a (proc) file with one write(); 0 or -errno.
int shim_write_file(const char *path, const char *value);
// Send a payload with one fd attached (SCM_RIGHTS); 0 or -errno.
int shim_send_fd(int sock, const void *payload, size_t len, int fd);
// Receive one fd passed with SCM_RIGHTS; returns it or -errno.
int shim_recv_fd(int sock);
// After the second release: wait until the child has closed its end (it no longer dies with us).
int shim_wait_detached(int sync_fd);
#endif
