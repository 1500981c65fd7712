import Cgroups
import Glibc
import OCISpec

/// `exec`: a new process in a running container — its namespaces, cgroup, and by default
/// the container's capabilities, seccomp filter, rlimits and no_new_privs.
public struct ExecRequest: Sendable {
    /// The whole process (--process), or the container's own with the CLI's changes applied
    /// (taken from the record `exec` loads anyway: state and config are read once).
    public enum ProcessSource: Sendable {
        case given(Process)
        case containers(@Sendable (inout Process) throws -> Void)
    }
    public var id: String
    public var source: ProcessSource
    public var consoleSocket: String?
    public var detach = false
    public var pidFile: String?
    public var preserveFDs: Int32 = 0
    /// runc's --ignore-paused: exec in a paused container (the process waits for resume).
    public var ignorePaused = false
    /// In the foreground without a console socket, a terminal is relayed by us (as `run`).
    public var foregroundTerminal = false
    /// `--cgroup`: existing cgroups below the container's to run in (`SubCgroups.parse`).
    public var subCgroups: [String: String] = [:]
    public init(id: String, process: Process) {
        self.id = id
        self.source = .given(process)
    }
    public init(id: String, changingContainersProcess change: @escaping @Sendable (inout Process) throws -> Void) {
        self.id = id
        self.source = .containers(change)
    }
}

extension ContainerRuntime {
    /// Returns the exit code of the process (0 when detached).
    public func exec(_ request: ExecRequest) throws -> Int32 {
        let record = try store.load(request.id)
        var spec = try ExecConfig.spec(of: record)
        let process: Process
        switch request.source {
        case .given(let given): process = given
        case .containers(let change):
            guard var own = spec.process else { throw RuntimeError("container \"\(request.id)\" has no process") }
            try change(&own)
            process = own
        }
        let status = record.status(in: store)
        guard status == .running || status == .created || (status == .paused && request.ignorePaused) else {
            throw RuntimeError.invalidState(
                "cannot exec in a \(status.rawValue) container\(status == .paused ? " (use --ignore-paused to override)" : "")")
        }
        if let issue = SpecValidator.validate(process: process, file: "process").first {
            throw RuntimeError.config(issue)
        }
        spec.root?.path = record.rootfs
        var options = Planner.Options(preserveFDs: request.preserveFDs)
        options.seccompCache = .standard
        let planner = Planner(spec: spec, bundle: record.bundle, options: options)
        let plan = try planner.planExec(process, pid: record.pid)
        let handles = LaunchHandles()
        let relay = request.foregroundTerminal && process.isTerminal ? try TerminalRelay() : nil
        if let relay {
            handles.setConsoleSocket(relay.theirs, owned: false)
        } else if let socket = try ConsoleSocket.connectIfNeeded(terminal: process.isTerminal, path: request.consoleSocket) {
            handles.setConsoleSocket(socket, owned: true)
        }

        // Placed as the init is (CgroupPlacement): born in the cgroup2 directory, writing
        // itself into each v1 hierarchy before it joins the namespaces, and before READY.
        // The parent's `cgroup.procs` writes waited an RCU grace period (~12 ms) here.
        if !request.subCgroups.isEmpty && record.cgroup == nil {
            throw RuntimeError("--cgroup: the container has no cgroup of its own")
        }
        let placement = try record.cgroup.map { CgroupPlacement(try $0.below(request.subCgroups)) }
        handles.setCgroupPlacement(cgroup2FD: placement?.cgroup2FD ?? -1, tasksFiles: placement?.tasksFiles ?? [])
        let spawner = try Spawner(plan: plan, handles: handles, configName: "process")
        let pid = try withExtendedLifetime(placement) { try spawner.spawn() }
        do {
            try spawner.setOOMScoreAdj()
            if let listener = try spawner.releaseAndWaitReady(), let target = plan.seccompListener {
                try SeccompAgent.send(
                    listener: listener, to: target.path, metadata: target.metadata, pid: pid,
                    state: record.ociState(in: store))
            }
            if let pidFile = request.pidFile { try Self.writePidFile(pidFile, pid: pid) }
            try spawner.detach()
        } catch {
            ChildProcess.killAndReap(pid)
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
