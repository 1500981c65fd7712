import CShim
import Glibc

/// Parent side of the start-up: the shim starts the child from the runtime's read-only
/// image (stage 0), then the parent takes the steps only it can (id maps, cgroup placement)
/// and lets the child run its plan, answering its messages (hooks, READY, errors).
final class Spawner {
    let plan: LaunchPlan
    private let cplan: CPlan
    /// Where the process settings came from, for errors that name a field ("config.json").
    private let configName: String
    private var syncFD: Int32 = -1
    private(set) var pid: Int32 = 0
    private var stage0: Int32 = 0

    init(plan: LaunchPlan, handles: LaunchHandles, configName: String = "config.json") throws {
        self.plan = plan
        self.cplan = try CPlan(plan, handles: handles)
        self.configName = configName
    }

    deinit {
        if syncFD >= 0 { close(syncFD) }
        reapStage0()
    }

    func spawn() throws -> Int32 {
        try start()
        return try finish()
    }

    /// Stage 0 is on its way (exec, then the clone into the new namespaces, ~2 ms): the
    /// caller may work meanwhile, then must call `finish`. An early stage 0 (already
    /// executed) gets the plan over its socket instead.
    func start(early: EarlyStage0? = nil) throws {
        var raw = cplan.raw
        if let early, let sent = early.send(&raw) {
            stage0 = sent.stage0
            syncFD = sent.syncFD
            return
        }
        let result = shim_spawn_start(&raw, &syncFD)
        guard result > 0 else { throw RuntimeError.errno("starting the container process", -result) }
        stage0 = result
    }

    /// The init's pid, once stage 0 has cloned it (and exited).
    func finish() throws -> Int32 {
        var msg = shim_msg()
        let result = shim_spawn_finish(stage0, &syncFD, &msg)
        if result <= 0 { stage0 = 0 }  // reaped by the shim already
        if result <= 0, msg.kind == Int32(SHIM_ERROR.rawValue) { throw failure(msg) }
        guard result > 0 else { throw RuntimeError.errno("starting the container process", -result) }
        pid = result
        return pid
    }

    /// As root, the parent writes the maps itself (no newuidmap needed).
    func writeIDMaps() throws {
        if let map = plan.uidMap { try FileIO.write("/proc/\(pid)/uid_map", map) }
        if let map = plan.gidMap {
            if !plan.setGroups { try FileIO.write("/proc/\(pid)/setgroups", "deny") }
            try FileIO.write("/proc/\(pid)/gid_map", map)
        }
    }

    func setOOMScoreAdj() throws {
        if let adj = plan.oomScoreAdj { try FileIO.write("/proc/\(pid)/oom_score_adj", String(adj)) }
    }

    /// Returns the seccomp listener fd the child sent up with READY, if any.
    @discardableResult
    func releaseAndWaitReady() throws -> Int32? {
        try release()
        return try waitReady()
    }

    /// Let the child start its set-up (namespaces, mounts, pivot_root).
    func release() throws {
        let r = shim_release(syncFD)
        guard r == 0 else { throw RuntimeError.errno("starting container process", -r) }
        reapStage0()
    }

    /// Stage 0 exits once it has reported the init: reaped while the init works, not before
    /// it may start.
    private func reapStage0() {
        guard stage0 > 0 else { return }
        _ = shim_reap(stage0)
        stage0 = 0
    }

    /// Wait until the child has finished its set-up, or report the step that failed. When it
    /// stops before pivot_root (the plan's hooksBeforePivot), `hooks` runs, then it goes on.
    @discardableResult
    func waitReady(hooks: (() throws -> Void)? = nil) throws -> Int32? {
        while true {
            try awaitMessage()
            var msg = shim_msg()
            let w = shim_wait(syncFD, &msg)
            guard w == 0 else { throw RuntimeError("container process exited during set-up") }
            switch msg.kind {
            case Int32(SHIM_ERROR.rawValue): throw failure(msg)
            case Int32(SHIM_HOOKS.rawValue):
                try hooks?()
                try release()
            case Int32(SHIM_READY.rawValue): return msg.fd >= 0 ? msg.fd : nil
            default: throw RuntimeError("container process sent an unexpected message (\(msg.kind))")
            }
        }
    }

    /// The child's set-up is plain syscalls and takes milliseconds; one that does not answer
    /// within the bound (e.g. frozen in its cgroup) fails the create, which is rolled back.
    static let setUpTimeoutSeconds: Int32 = 60

    private func awaitMessage() throws {
        var pfd = pollfd(fd: syncFD, events: Int16(POLLIN), revents: 0)
        var r: Int32
        repeat { r = poll(&pfd, 1, Self.setUpTimeoutSeconds * 1000) } while r < 0 && errno == EINTR
        if r == 0 {
            throw RuntimeError("container process did not finish its set-up within \(Self.setUpTimeoutSeconds)s (is its cgroup frozen?)")
        }
    }

    /// The container is recorded: the child may now outlive us. Wait until it says so.
    func detach() throws {
        _ = shim_release(syncFD)
        _ = shim_wait_detached(syncFD)
        close(syncFD)
        syncFD = -1
    }

    /// A step of the child named by a config field ("process.rlimits[0] (RLIMIT_NOFILE):
    /// setrlimit") is reported against the config file; others as a set-up step.
    private func failure(_ msg: shim_msg) -> RuntimeError {
        let what = withUnsafeBytes(of: msg.what) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        let reason = String(cString: strerror(msg.err))
        if what.hasPrefix("process.") || what.hasPrefix("linux.") {
            return RuntimeError("\(configName): \(what): \(reason)")
        }
        return RuntimeError("container set-up failed: \(what): \(reason)")
    }
}
