import Cgroups
import Glibc
import OCISpec

/// `exec`: a new process in a running container — its namespaces, cgroup, and by default
/// the container's capabilities, seccomp filter, rlimits and no_new_privs.
public struct ExecRequest: Sendable {
    public var id: String
    public var process: Process
    public var consoleSocket: String?
    public var detach = false
    public var pidFile: String?
    public var preserveFDs: Int32 = 0
    /// runc's --ignore-paused: exec in a paused container (the process waits for resume).
    public var ignorePaused = false
    /// In the foreground without a console socket, a terminal is relayed by us (as `run`).
    public var foregroundTerminal = false
    public init(id: String, process: Process) {
        self.id = id
        self.process = process
    }
}

extension ContainerRuntime {
    /// The container's own process settings: what `exec` starts from when given only args.
    public func containerProcess(id: String) throws -> Process {
        guard let process = try store.load(id).spec.process else { throw RuntimeError("container \"\(id)\" has no process") }
        return process
    }

    /// Returns the exit code of the process (0 when detached).
    public func exec(_ request: ExecRequest) throws -> Int32 {
        let record = try store.load(request.id)
        let status = record.status(in: store)
        guard status == .running || status == .created || (status == .paused && request.ignorePaused) else {
            throw RuntimeError.invalidState(
                "cannot exec in a \(status.rawValue) container\(status == .paused ? " (use --ignore-paused to override)" : "")")
        }
        if let issue = SpecValidator.validate(process: request.process, file: "process").first {
            throw RuntimeError.config(issue)
        }
        var spec = try record.spec
        spec.root?.path = record.rootfs
        var options = Planner.Options(preserveFDs: request.preserveFDs)
        options.seccompCache = .standard
        let planner = Planner(spec: spec, bundle: record.bundle, options: options)
        let plan = try planner.planExec(request.process, pid: record.pid)
        let handles = LaunchHandles()
        let relay = request.foregroundTerminal && request.process.isTerminal ? try TerminalRelay() : nil
        if let relay {
            handles.setConsoleSocket(relay.theirs, owned: false)
        } else if let socket = try ConsoleSocket.connectIfNeeded(terminal: request.process.isTerminal, path: request.consoleSocket) {
            handles.setConsoleSocket(socket, owned: true)
        }

        let spawner = try Spawner(plan: plan, handles: handles, configName: "process")
        let pid = try spawner.spawn()
        do {
            if let handle = record.cgroup { try Cgroups.open(handle).addProcess(pid) }
            try spawner.setOOMScoreAdj()
            if let listener = try spawner.releaseAndWaitReady(), let target = plan.seccompListener {
                try SeccompAgent.send(
                    listener: listener, to: target.path, metadata: target.metadata, pid: pid,
                    state: record.ociState(in: store))
            }
            if let pidFile = request.pidFile { try Self.writePidFile(pidFile, pid: pid) }
            try spawner.detach()
        } catch {
            Glibc.kill(pid, SIGKILL)
            var st: Int32 = 0
            waitpid(pid, &st, 0)
            throw error
        }
        if request.detach { return 0 }
        if let relay {
            try relay.attach()
            relay.relay(until: pid)
        }
        return Self.waitForeground(pid)
    }
}
