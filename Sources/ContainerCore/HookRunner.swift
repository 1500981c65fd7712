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

    func run(_ hooks: [Hook]?, name: String, place: Place) throws {
        guard let hooks, !hooks.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let input = Array(try encoder.encode(state))
        for (index, hook) in hooks.enumerated() {
            let what = "hooks.\(name)[\(index)] \(hook.path)"
            let pid: Int32
            let stdinWrite: Int32
            switch place {
            case .runtime: (pid, stdinWrite) = try spawnHere(hook, what: what)
            case .container(let record, let hostPath):
                (pid, stdinWrite) = try spawnInContainer(hook, record: record, hostPath: hostPath, what: what)
            }
            _ = input.withUnsafeBytes { write(stdinWrite, $0.baseAddress, $0.count) }
            close(stdinWrite)
            let status = try wait(pid, timeout: hook.timeout, what: what)
            if status != 0 { throw RuntimeError("\(what): exited with status \(status)") }
        }
    }

    private func pipePair() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw RuntimeError.errno("pipe") }
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
        let argv = (hook.args ?? [hook.path]).map { strdup($0) } + [nil]
        let envp = (hook.env ?? []).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, hook.path, &actions, nil, argv, envp)
        guard rc == 0 else { close(w); throw RuntimeError.errno(what, rc) }
        return (pid, w)
    }

    private func spawnInContainer(_ hook: Hook, record: ContainerRecord, hostPath: Bool, what: String) throws -> (Int32, Int32) {
        var spec = record.spec
        spec.root?.path = record.rootfs
        let process = Process(user: User(), args: hook.args ?? [hook.path], env: hook.env ?? [], cwd: "/")
        var plan = try Planner(spec: spec, bundle: record.bundle).planExec(process, pid: record.pid)
        // Looked up in the container (startContainer), argv[0] must be the path; executed
        // from an fd (createContainer), the hook sees its args exactly as configured.
        if !hostPath { plan.argv = [hook.path] + Array((hook.args ?? [hook.path]).dropFirst()) }
        plan.seccompFilter = nil
        plan.capabilities = nil
        plan.rlimits = []
        var binary: Int32 = -1
        if hostPath {
            binary = open(hook.path, O_RDONLY | O_CLOEXEC)
            guard binary >= 0 else { throw RuntimeError.errno(what) }
            plan.execFD = binary
        }
        defer { if binary >= 0 { close(binary) } }
        let (r, w) = try pipePair()
        // The shim child inherits our stdin: point it at the pipe for the spawn only.
        let savedStdin = dup(0)
        dup2(r, 0)
        close(r)
        defer { dup2(savedStdin, 0); close(savedStdin) }
        let spawner = Spawner(plan: plan, fifoDirFD: -1)
        let pid = try spawner.spawn()
        do {
            try spawner.releaseAndWaitReady()
            try spawner.detach()
        } catch {
            close(w)
            Glibc.kill(pid, SIGKILL)
            var st: Int32 = 0
            waitpid(pid, &st, 0)
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
                Glibc.kill(pid, SIGKILL)
                var st: Int32 = 0
                waitpid(pid, &st, 0)
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
