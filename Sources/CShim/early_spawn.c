// Early start: stage 0 is executed before the config is even decoded; its exec and start-up
// run on another CPU while the parent decodes, validates and plans, and the plan follows over
// the sync socket (plan_transfer.c). Announced namespaces are made meanwhile (stage0.c).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/sched.h>
#include "child_internal.h"
#include "plan_transfer.h"
#include "spawn_internal.h"

// Stage 0 is cloned sharing our memory (CLONE_VM, as vfork: no copy of our page tables, no
// copy-on-write faults afterwards; a fork cost ~7 % more CPU with ten containers started at
// once on two CPUs), but unlike vfork we do not wait for its execve: that wait (the new task
// scheduled on the other CPU, then the start of its exec) cost ~0.5 ms of every create. So
// the child touches nothing of ours but its launch block, which stays allocated until it has
// executed (exec_report), runs on the stack in that block and makes its system calls bare:
// libc's wrappers write errno, and errno is ours too.
// It is made with clone3 through a few lines of assembly (the child must start on its own
// stack). Where clone3 is refused (valgrind, which cannot run a general CLONE_VM clone and
// answers ENOSYS; kernels before 5.3; seccomp filters) or on another architecture, stage 0
// is vforked as before.
struct launch {
    struct shim_stage0_exec x;
    int exe, sync_fd, report_fd;
    int narrowed;
    uint64_t away[16];
    _Alignas(16) char stack[16384];
};

#if defined(__x86_64__) || defined(__aarch64__)
// long shim_launch_clone3(struct clone_args *, size_t, int (*fn)(void *), void *arg): the
// child calls fn(arg) on the stack the arguments name and exits with its result; the parent
// gets the child's pid or -errno.
long shim_launch_clone3(struct clone_args *args, size_t size, int (*fn)(void *), void *arg);
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl shim_launch_clone3\n"
        ".hidden shim_launch_clone3\n"
        ".type shim_launch_clone3,@function\n"
        "shim_launch_clone3:\n"
        "    mov %rdx, %r9\n"
        "    mov %rcx, %r8\n"
        "    mov $435, %eax\n"   // SYS_clone3
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jz 1f\n"
        "    ret\n"
        "1:  xor %ebp, %ebp\n"
        "    mov %r8, %rdi\n"
        "    call *%r9\n"
        "    mov %eax, %edi\n"
        "    mov $231, %eax\n"   // SYS_exit_group
        "    syscall\n"
        "    hlt\n"
        ".size shim_launch_clone3, .-shim_launch_clone3\n");
#else
__asm__(".text\n"
        ".globl shim_launch_clone3\n"
        ".hidden shim_launch_clone3\n"
        ".type shim_launch_clone3,%function\n"
        "shim_launch_clone3:\n"
        "    mov x9, x2\n"
        "    mov x10, x3\n"
        "    mov x8, #435\n"     // SYS_clone3
        "    svc #0\n"
        "    cbz x0, 1f\n"
        "    ret\n"
        "1:  mov x29, xzr\n"
        "    mov x0, x10\n"
        "    blr x9\n"
        "    mov x8, #94\n"      // SYS_exit_group
        "    svc #0\n"
        "    brk #0\n"
        ".size shim_launch_clone3, .-shim_launch_clone3\n");
#endif

static long bare_syscall(long nr, long a, long b, long c) {
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
#else
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
#endif
}

static int launch_main(void *arg) {
    const struct launch *l = arg;
    // Moving to the other CPUs is a hint (see shim_spawn_early).
    if (l->narrowed) (void)bare_syscall(SYS_sched_setaffinity, 0, (long)sizeof l->away, (long)l->away);
    long r = bare_syscall(SYS_fcntl, l->sync_fd, F_SETFD, 0);
    if (r == 0) r = bare_syscall(SYS_fcntl, l->exe, F_SETFD, 0);
    if (r == 0) r = bare_syscall(SYS_execve, (long)l->x.path, (long)l->x.argv, (long)l->x.envp);
    int err = r < 0 ? (int)-r : EIO;
    (void)bare_syscall(SYS_write, l->report_fd, (long)&err, sizeof err);
    return 127;
}

// The child's pid; -ENOSYS where clone3 cannot be used (the caller then vforks).
static pid_t launch_cloned(struct shim_early *e, const uint64_t *away) {
    struct launch *l = malloc(sizeof *l);
    if (!l) return -ENOMEM;
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) {
        int err = -errno;
        free(l);
        return err;
    }
    shim_stage0_exec_init(&l->x, e->exe, -1, e->child_end);
    l->exe = e->exe;
    l->sync_fd = e->child_end;
    l->report_fd = report[1];
    l->narrowed = away != NULL;
    if (away) memcpy(l->away, away, sizeof l->away);
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = CLONE_VM;
    args.exit_signal = SIGCHLD;
    args.stack = (uint64_t)(uintptr_t)l->stack;
    args.stack_size = sizeof l->stack;
    long pid = shim_launch_clone3(&args, sizeof args, launch_main, l);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        free(l);
        return pid == -EPERM || pid == -E2BIG || pid == -EINVAL ? -ENOSYS : (pid_t)pid;
    }
    e->launch = l;
    e->exec_report = report[0];
    return (pid_t)pid;
}
#else
static pid_t launch_cloned(struct shim_early *e, const uint64_t *away) {
    (void)e;
    (void)away;
    return -ENOSYS;
}
#endif

// The fallback: vforked, so we wait for its execve.
static pid_t launch_vforked(struct shim_early *e, const uint64_t *away) {
    struct shim_stage0_exec x;
    shim_stage0_exec_init(&x, e->exe, -1, e->child_end);
    volatile int exec_err = 0;   // written by the child: our memory until it execs
    int exe = e->exe, sync_fd = e->child_end;
    pid_t pid = vfork();
    if (pid == 0) {
        // Plain syscall wrappers only, as after any vfork. Moving away is a hint.
        if (away) (void)syscall(SYS_sched_setaffinity, 0, 16 * sizeof(uint64_t), away);
        if (fcntl(sync_fd, F_SETFD, 0) == 0 && fcntl(exe, F_SETFD, 0) == 0) execve(x.path, x.argv, x.envp);
        exec_err = errno ? errno : EIO;
        _exit(127);
    }
    int err = pid < 0 ? -errno : -exec_err;   // exec_err: only a failed child sets it
    if (pid > 0 && err) (void)shim_reap(pid);
    return err ? err : pid;
}

static pid_t launch_stage0(struct shim_early *e, const uint64_t *away) {
    // Every signal stays blocked in the child up to and across execve: no handler of ours
    // runs in it, and the init clears the mask (child.c) as after posix_spawn.
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);
    pid_t pid = launch_cloned(e, away);
    if (pid == -ENOSYS) pid = launch_vforked(e, away);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return pid;
}

// Waits until stage 0 has executed (at once in practice: it had all our planning time to do
// it); its launch block is then ours again. 0, or -errno of its failed execve.
static int launched(struct shim_early *e) {
    if (!e->launch) return 0;
    int err = 0;
    ssize_t n;
    do { n = read(e->exec_report, &err, sizeof err); } while (n < 0 && errno == EINTR);
    int result = n == 0 ? 0 : (n == (ssize_t)sizeof err && err > 0 ? -err : (n < 0 ? -errno : -EPROTO));
    close(e->exec_report);
    e->exec_report = -1;
    if (result == 0) {
        free(e->launch);
        e->launch = NULL;
    }
    return result;   // on failure shim_spawn_cancel frees the block, once the child is reaped
}

// Our mask without the CPU we run on, when at least one other CPU is left in it.
static int other_cpus(uint64_t *mask, uint64_t *away) {
    long n = syscall(SYS_sched_getaffinity, 0, 16 * sizeof(uint64_t), mask);
    unsigned int cpu;
    if (n <= 0 || syscall(SYS_getcpu, &cpu, NULL, NULL) < 0 || cpu >= 1024) return 0;
    memset((char *)mask + n, 0, 16 * sizeof(uint64_t) - (size_t)n);
    int others = 0;
    for (int i = 0; i < 16; i++) {
        away[i] = mask[i];
        if (i == (int)(cpu / 64)) away[i] &= ~(1ULL << (cpu % 64));
        others |= away[i] != 0;
    }
    return others;
}

// The new stage 0 first moves itself to the other CPUs of our mask (`away`): queued on our
// CPU, it started there, the parent woke behind it and both waited for milliseconds (an idle
// CPU does not pull a task at once). shim_spawn_send gives it our whole mask back before it
// can clone the init.
int shim_spawn_early(struct shim_early *e) {
    memset(e, 0, sizeof *e);
    e->sync_fd = e->child_end = e->exe = e->exec_report = -1;
    int exe = shim_protected_exe();
    if (exe < 0) return exe;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        int err = -errno;
        close(exe);
        return err;
    }
    e->sync_fd = sv[0];
    e->child_end = sv[1];
    e->exe = exe;
    uint64_t away[16];
    e->narrowed = other_cpus(e->affinity, away);
    pid_t pid = launch_stage0(e, e->narrowed ? away : NULL);
    if (pid < 0) {
        shim_spawn_cancel(e);
        return pid;
    }
    e->pid = pid;
    return 0;
}

int shim_spawn_prepare(struct shim_early *e, unsigned long clone_flags) {
    return shim_plan_send_prepare(e->sync_fd, clone_flags);
}

int shim_spawn_send(struct shim_early *e, const struct shim_plan *plan) {
    int err = launched(e);
    if (err) return err;
    // Stage 0 has our CPU mask again before it reads the plan: the init inherits that mask.
    if (e->narrowed && syscall(SYS_sched_setaffinity, e->pid, 16 * sizeof(uint64_t), e->affinity) < 0) return -errno;
    e->narrowed = 0;
    struct shim_plan p;
    int plan_fd = shim_stage0_plan(plan, e->exe, &p);
    if (plan_fd < 0) return plan_fd;
    int fds[SHIM_MAX_PLAN_FDS];
    int n = shim_plan_fd_list(&p, plan_fd, fds);
    err = n < 0 ? n : shim_plan_send_fds(e->sync_fd, fds, n);
    close(plan_fd);
    if (err) return err;
    close(e->child_end);
    close(e->exe);   // stage 0 holds the image now, and the init after it (see exe_fd)
    e->child_end = e->exe = -1;
    return 0;
}

void shim_spawn_cancel(struct shim_early *e) {
    if (e->pid > 0) {
        kill(e->pid, SIGKILL);
        (void)shim_reap(e->pid);
        e->pid = 0;
    }
    // Reaped (or never started): nothing uses the launch block any more.
    free(e->launch);
    e->launch = NULL;
    if (e->exec_report >= 0) close(e->exec_report);
    if (e->sync_fd >= 0) close(e->sync_fd);
    if (e->child_end >= 0) close(e->child_end);
    if (e->exe >= 0) close(e->exe);
    e->sync_fd = e->child_end = e->exe = e->exec_report = -1;
}
