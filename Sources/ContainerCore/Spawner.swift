import CShim
import Glibc

/// Parent side of the start-up: clone through the shim, then the steps only the parent
/// can take (id maps, cgroup placement), then let the child run its plan.
final class Spawner {
    let plan: LaunchPlan
    private let cplan: CPlan
    private var syncFD: Int32 = -1
    private(set) var pid: Int32 = 0

    init(plan: LaunchPlan, fifoDirFD: Int32) {
        self.plan = plan
        self.cplan = CPlan(plan, fifoDirFD: fifoDirFD)
    }

    deinit { if syncFD >= 0 { close(syncFD) } }

    func spawn() throws -> Int32 {
        var raw = cplan.raw
        let result = shim_spawn(&raw, &syncFD)
        guard result > 0 else { throw RuntimeError.errno("clone", -result) }
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
    }

    /// Wait until the child has finished its set-up, or report the step that failed.
    @discardableResult
    func waitReady() throws -> Int32? {
        var msg = shim_msg()
        let w = shim_wait(syncFD, &msg)
        guard w == 0 else { throw RuntimeError("container process exited during set-up") }
        if msg.kind == Int32(SHIM_ERROR.rawValue) {
            let what = withUnsafeBytes(of: msg.what) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            throw RuntimeError("container set-up failed: \(what): \(String(cString: strerror(msg.err)))")
        }
        return msg.fd >= 0 ? msg.fd : nil
    }

    /// The container is recorded: the child may now outlive us. Wait until it says so.
    func detach() throws {
        _ = shim_release(syncFD)
        _ = shim_wait_detached(syncFD)
        close(syncFD)
        syncFD = -1
    }
}
