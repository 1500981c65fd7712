import Cgroups
import CShim
import Glibc
import OCISpec
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `create`: decode → validate → plan → apply. Anything done is undone if a later step fails.
public struct CreateRequest: Sendable {
    public var id: String
    public var bundle: String
    public var pidFile: String?
    public var noPivot = false
    public var preserveFDs: Int32 = 0
    public var consoleSocket: String?
    public var noNewKeyring = false
    /// `run` in the foreground: a terminal without a console socket is relayed by us.
    public var foregroundTerminal = false
    public init(id: String, bundle: String, pidFile: String? = nil) {
        self.id = id
        self.bundle = bundle
        self.pidFile = pidFile
    }
}

/// A container process this runtime started: still our child until we exit.
public struct SpawnedContainer {
    public let record: ContainerRecord
    let terminal: TerminalRelay?
}

extension ContainerRuntime {
    /// Loads and validates a bundle; nothing on the system is touched.
    public static func loadBundle(_ bundle: String) throws -> Spec {
        try loadConfig(bundle).spec
    }

    /// The validated config and the bytes it came from (kept verbatim in the state dir).
    static func loadConfig(_ bundle: String) throws -> (spec: Spec, bytes: [UInt8]) {
        let spec: Spec
        let bytes: [UInt8]
        do {
            bytes = try SpecLoader.readFileBytes(bundle + "/config.json", name: "config.json")
            spec = try Self.decode(bytes)
        } catch { throw RuntimeError.config(error) }
        if let issue = SpecValidator.validate(spec, bundle: bundle).first { throw RuntimeError.config(issue) }
        return (spec, bytes)
    }

    /// Decoded in place: a Data that borrows the bytes for the call (no 1 MB copy).
    private static func decode(_ bytes: [UInt8]) throws -> Spec {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return try SpecLoader.decode(Data(), file: "config.json") }
            let borrowed = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: raw.count, deallocator: .none)
            return try SpecLoader.decode(borrowed, file: "config.json")
        }
    }

    @discardableResult
    public func create(_ request: CreateRequest) throws -> SpawnedContainer {
        do { try ContainerID.validate(request.id) } catch { throw RuntimeError(String(describing: error)) }
        // Executed now, planned later: a refused config kills it again (see EarlyStage0).
        let early = EarlyStage0()
        let bundle = FileIO.absolute(request.bundle)
        let (spec, configBytes) = try Self.loadConfig(bundle)
        early?.announce(cloneFlags: Planner.earlyCloneFlags(spec))

        let lock = try store.createDirectory(request.id)
        let rollback = Rollback()
        rollback.add { [store] in store.remove(request.id) }

        // state.json exists from the start with pid 0: `state` reports "creating", and the
        // cgroup directories about to be made are on record for `delete --force`.
        var record = ContainerRecord(
            ociVersion: spec.ociVersion ?? Spec.version, id: request.id, pid: 0, startTime: 0,
            bundle: bundle, rootfs: Planner.rootfsPath(spec, bundle: bundle), created: Timestamp.now(),
            owner: Self.ownerName(), annotations: spec.annotations, cgroup: nil,
            config: StoredConfig(bytes: configBytes, spec: spec))
        let saveRecord = { [store] (planned: CgroupHandle) in
            record.cgroup = planned
            try store.save(record)
        }
        let deferred = try plannedCgroup(spec: spec, id: request.id)
        let cgroup = try deferred ?? setUpCgroup(spec: spec, id: request.id, rollback: rollback, record: saveRecord)
        if cgroup == nil { try store.save(record) }  // rootless without cgroups: still on record

        var options = Planner.Options(noPivot: request.noPivot, preserveFDs: request.preserveFDs)
        options.cgroupHierarchies = cgroup?.handle.mountHierarchies() ?? []
        // Unprivileged, or in a user namespace whose setgroups is denied (`unshare -r`): the
        // container's own namespace must deny it too, and no setgroups can be made there.
        options.rootless = geteuid() != 0 || FileIO.readString("/proc/self/setgroups")?.hasPrefix("deny") == true
        options.newKeyring = !request.noNewKeyring
        options.listenFDs = Self.socketActivationFDs()
        options.seccompCache = .standard
        var seen = spec
        if let host = NotifySocket.hostSocket {
            seen = try NotifySocket.prepare(spec, store: store, id: request.id)
            record.notifySocket = host
        }
        let planner = Planner(spec: seen, bundle: bundle, options: options)
        let plan = try planner.plan()
        let handles = LaunchHandles()
        var relay: TerminalRelay?
        if request.foregroundTerminal, spec.process?.isTerminal == true, request.consoleSocket == nil {
            relay = try TerminalRelay()
        }
        if let relay {
            handles.setConsoleSocket(relay.theirs, owned: false)
        } else if let socket = try ConsoleSocket.connectIfNeeded(terminal: spec.process?.isTerminal ?? false, path: request.consoleSocket) {
            handles.setConsoleSocket(socket, owned: true)
        }

        // Writable by the container's (possibly mapped, unprivileged) root; umask must not narrow it.
        guard mkfifo(store.fifoPath(request.id), 0o622) == 0, chmod(store.fifoPath(request.id), 0o622) == 0 else {
            throw RuntimeError.errno("creating exec fifo")
        }
        // The init holds the fifo itself, nothing that leads to the state directory (from which
        // a process that can reach the init's fds could walk the host).
        let fifoFD = open(store.fifoPath(request.id), Int32(SHIM_O_PATH) | O_CLOEXEC)
        guard fifoFD >= 0 else { throw RuntimeError.errno("opening \(store.fifoPath(request.id))") }
        handles.setExecFifo(fifoFD)

        let idmapped = IdmappedMounts()
        try idmapped.prepare(plan, into: handles)
        // Steps that run while stage 0 starts; the cgroup2 directory the init is born in
        // (CLONE_INTO_CGROUP) must exist before.
        var whileStarting: [() throws -> Void] = []
        if let deferred {
            let make = { try self.makeCgroup(deferred, rollback: rollback, record: saveRecord) }
            if !plan.joinUserFirst && deferred.handle.paths[""] != nil { try make() } else { whileStarting.append(make) }
            whileStarting.append { try deferred.apply(EffectiveResources.of(spec, privileged: true), isUpdate: false) }
        }
        let placement = plan.joinUserFirst ? nil : cgroup.map { CgroupPlacement($0.handle) }
        handles.setCgroupPlacement(cgroup2FD: placement?.cgroup2FD ?? -1, tasksFiles: placement?.tasksFiles ?? [])
        let hooks = spec.hooks
        let spawner = try Spawner(plan: plan, handles: handles)
        let pid = try Self.spawn(spawner, early: early, while: whileStarting)
        record.cgroup = cgroup?.handle
        rollback.add {
            // A frozen v1 task cannot die: thaw its cgroup before the kill we wait for.
            if let cgroup, cgroup.isFrozen() { try? cgroup.thaw() }
            ChildProcess.killAndReap(pid)
        }
        try spawner.writeIDMaps()
        if placement == nil { try cgroup?.addProcess(pid) }
        try spawner.setOOMScoreAdj()
        record.pid = pid
        // The child places itself in its v1 cgroups first thing (see CgroupPlacement), and
        // cannot reach execve (nor create its cgroup namespace) before the second release.
        try spawner.release()
        // While the child sets up: its start time (fixed at clone) and the final state.json.
        record.startTime = ProcStat(pid: pid)?.startTime ?? 0
        let finalState = try store.encode(record)
        // runtime.md steps 6-7: prestart/createRuntime in our namespaces, createContainer in the
        // container's mount namespace after its mounts and before pivot_root (the child waits
        // there); any failure aborts the create (the rollback undoes everything).
        let listener = try spawner.waitReady(
            hooks: hooks.map { hooks in
                { [store] in
                    var creating = record.ociState(in: store)
                    creating.status = ContainerStatus.creating.rawValue
                    let runner = HookRunner(state: creating)
                    do {
                        try runner.run(hooks.prestart, name: "prestart", place: .runtime)
                        try runner.run(hooks.createRuntime, name: "createRuntime", place: .runtime)
                        try runner.run(hooks.createContainer, name: "createContainer", place: .container(record: record, hostPath: true))
                    } catch {
                        // runtime.md: on a failing hook the lifecycle goes on at "delete": undo the
                        // create now, then the poststop hooks run (their failures only warn).
                        rollback.runNow()
                        var stopped = creating
                        stopped.status = ContainerStatus.stopped.rawValue
                        HookRunner(state: stopped).runWarningOnFailure(hooks.poststop, name: "poststop", place: .runtime)
                        throw error
                    }
                }
            })

        if let listener, let target = plan.seccompListener {
            var state = record.ociState(in: store)
            state.status = ContainerStatus.creating.rawValue
            try SeccompAgent.send(listener: listener, to: target.path, metadata: target.metadata, pid: pid, state: state)
        }
        try store.save(record, encoded: finalState)
        if let pidFile = request.pidFile { try Self.writePidFile(pidFile, pid: pid) }
        try spawner.detach()
        rollback.disarm()
        _ = lock
        return SpawnedContainer(record: record, terminal: relay)
    }

    /// Starts stage 0, runs `steps` meanwhile, and returns the init's pid. After a failing
    /// step the init is still awaited, then killed, and the step's error is the one reported,
    /// as when the steps ran before the spawn.
    private static func spawn(_ spawner: Spawner, early: EarlyStage0?, while steps: [() throws -> Void]) throws -> Int32 {
        do { try spawner.start(early: early) } catch {
            for step in steps { try step() }
            throw error
        }
        var stepError: Error?
        do { for step in steps { try step() } } catch { stepError = error }
        let pid: Int32
        do { pid = try spawner.finish() } catch { throw stepError ?? error }
        if let stepError {
            ChildProcess.killAndReap(pid)
            throw stepError
        }
        return pid
    }

    /// systemd socket activation: LISTEN_FDS meant for us (LISTEN_PID unset or ours) are
    /// passed on as fds 3… with LISTEN_FDS/LISTEN_PID=1 in the container's environment.
    static func socketActivationFDs() -> Int32 {
        guard let raw = getenv("LISTEN_FDS"), let n = Int32(String(cString: raw)), n > 0 else { return 0 }
        if let pidText = getenv("LISTEN_PID"), Int32(String(cString: pidText)) != getpid() { return 0 }
        return n
    }

    static func writePidFile(_ path: String, pid: Int32) throws {
        try FileIO.writeAtomically(FileIO.absolute(path), Array(String(pid).utf8), mode: 0o644)
    }

    static func ownerName() -> String { PasswdLookup.hostUserName(uid: getuid()) }
}
