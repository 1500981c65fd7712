import Cgroups
import Glibc

/// runtime.md's status values plus runc's "paused". Never stored: derived on every read
/// from the process, the exec fifo and the freezer, so it cannot go stale.
public enum ContainerStatus: String, Sendable {
    case creating, created, running, paused, stopped
}

extension ContainerRecord {
    public func status(in store: StateStore) -> ContainerStatus {
        if pid == 0 { return .creating }
        guard ProcStat.isRunning(pid: pid, startTime: startTime) else { return .stopped }
        // Frozen wins over the fifo: a created-then-paused container is "paused", as in runc.
        if let cgroup, Cgroups.open(cgroup).isFrozen() { return .paused }
        if FileIO.exists(store.fifoPath(id)) { return .created }
        return .running
    }

    /// The OCI state (runtime.md "State"), with runc's extra fields.
    public func ociState(in store: StateStore) -> OCIStateOutput {
        let status = status(in: store)
        return OCIStateOutput(
            ociVersion: ociVersion, id: id, pid: status == .stopped ? 0 : pid,
            status: status.rawValue, bundle: bundle, rootfs: rootfs,
            created: created, owner: owner, annotations: allAnnotations)
    }
}

/// `runtime state` prints this (key names as runc prints them).
public struct OCIStateOutput: Codable, Sendable {
    public var ociVersion: String
    public var id: String
    public var pid: Int32
    public var status: String
    public var bundle: String
    public var rootfs: String
    public var created: String
    public var owner: String
    public var annotations: [String: String]?
}
