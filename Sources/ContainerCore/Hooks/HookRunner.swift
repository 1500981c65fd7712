import CShim
import Glibc
import OCISpec
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// config.md "POSIX-platform Hooks": each hook gets the container state on stdin, its own
/// args and env, and is killed after `timeout` seconds. Runtime-namespace hooks are
/// posix_spawn'ed; container-namespace ones (createContainer, startContainer) go through
/// the shim like `exec`, joining the init's namespaces with full privileges.
struct HookRunner {
    /// Where the hook runs. In the container's namespaces its path resolves there too
    /// (startContainer), unless `hostPath` (createContainer: "path MUST resolve in the
    /// runtime namespace").
    enum Place { case runtime, container(record: ContainerRecord, hostPath: Bool) }

    let state: OCIStateOutput

    /// Runs the hooks in order; the first failure stops them and is thrown (prestart,
    /// createRuntime, createContainer, startContainer: runtime.md makes those fatal).
    func run(_ hooks: [Hook]?, name: String, place: Place) throws {
        guard let hooks, !hooks.isEmpty else { return }
        let input = try stateInput()
        for (index, hook) in hooks.enumerated() { try run(hook, index: index, name: name, place: place, input: input) }
    }

    /// poststart and poststop (config.md): a failing hook is a warning, and the remaining
    /// hooks still run.
    func runWarningOnFailure(_ hooks: [Hook]?, name: String, place: Place) {
        guard let hooks, !hooks.isEmpty else { return }
        let input: [UInt8]
        do { input = try stateInput() } catch { Warnings.emit("hooks.\(name): \(error)"); return }
        for (index, hook) in hooks.enumerated() {
            do { try run(hook, index: index, name: name, place: place, input: input) } catch { Warnings.emit("\(error)") }
        }
    }

    private func stateInput() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(state))
    }

    private func run(_ hook: Hook, index: Int, name: String, place: Place, input: [UInt8]) throws {
        let what = "hooks.\(name)[\(index)] \(hook.path)"
        let pid: Int32
        let stdinWrite: Int32
        switch place {
        case .runtime: (pid, stdinWrite) = try spawnHere(hook, what: what)
        case .container(let record, let hostPath):
            (pid, stdinWrite) = try spawnInContainer(hook, record: record, hostPath: hostPath, what: what)
        }
        Self.writeState(input, to: stdinWrite)
        close(stdinWrite)
        let status = try wait(pid, timeout: hook.timeout, what: what)
        if status != 0 { throw RuntimeError("\(what): exited with status \(status)") }
    }

    /// The state goes to the hook's stdin; a hook that does not read it (exits, or closes
    /// stdin first) is no error. SIGPIPE is ignored for the write, so EPIPE comes back
    /// instead of the signal killing the runtime half-way through a lifecycle step.
    static func writeState(_ input: [UInt8], to fd: Int32) {
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        var saved = sigaction()
        sigaction(SIGPIPE, &ignore, &saved)
        defer { sigaction(SIGPIPE, &saved, nil) }
        var offset = 0
        while offset < input.count {
            let n = input.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }  // EPIPE: the hook did not read its state
            offset += n
        }
    }

    /// Both ends close-on-exec: the hook gets the read end only as its fd 0 (dup2 clears the
    /// flag there), never as a stray extra fd, and never the write end (or it would not see EOF).
    private func pipePair() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw RuntimeError.errno("pipe") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    private func spawnHere(_ hook: Hook, what: String) throws -> (Int32, Int32) {
        let (r, w) = try pipePair()
        defer { close(r) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, r, 0)
        // The runtime ignores SIGPIPE and may block signals: the hook starts with defaults.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = (hook.args ?? [hook.path]).map { strdup($0) } + [nil]
        let envp = (hook.env ?? []).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, hook.path, &actions, &attributes, argv, envp)
        guard rc == 0 else { close(w); throw RuntimeError.errno(what, rc) }
        return (pid, w)
    }

    private func spawnInContainer(_ hook: Hook, record: ContainerRecord, hostPath: Bool, what: String) throws -> (Int32, Int32) {
        var spec = try record.spec
        spec.root?.path = record.rootfs
        let plan = try Planner(spec: spec, bundle: record.bundle).planHook(hook, pid: record.pid, hostPath: hostPath)
        let handles = LaunchHandles()
        if hostPath {
            let binary = open(hook.path, O_RDONLY | O_CLOEXEC)
            guard binary >= 0 else { throw RuntimeError.errno(what) }
            handles.setExecFD(binary)
        }
        let (r, w) = try pipePair()
        // The shim child inherits our stdin: point it at the pipe for the spawn only.
        let savedStdin = fcntl(0, F_DUPFD_CLOEXEC, 3)  // not inherited by the hook either
        dup2(r, 0)
        close(r)
        defer { dup2(savedStdin, 0); close(savedStdin) }
        let spawner = try Spawner(plan: plan, handles: handles, configName: "hooks")
        let pid = try spawner.spawn()
        do {
            try spawner.releaseAndWaitReady()
            try spawner.detach()
        } catch {
            close(w)
            ChildProcess.killAndReap(pid)
            throw RuntimeError("\(what): \(error)")
        }
        return (pid, w)
    }

    /// Exit status (128+N when killed by signal N); SIGKILL after the timeout.
    private func wait(_ pid: Int32, timeout: Int?, what: String) throws -> Int32 {
        let pidfd = shim_pidfd_open(pid)
        if pidfd >= 0, let timeout, timeout > 0 {
            let millis: Int32
            do { millis = try pollMilliseconds(seconds: timeout, "\(what): timeout") } catch { close(pidfd); throw error }
            var pfd = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
            var r: Int32
            repeat { r = poll(&pfd, 1, millis) } while r < 0 && errno == EINTR
            if r == 0 {
                ChildProcess.killAndReap(pid)
                close(pidfd)
                throw RuntimeError("\(what): timed out after \(timeout)s")
            }
        }
        if pidfd >= 0 { close(pidfd) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return ContainerRuntime.exitCode(status)
    }
}
