import Cgroups

extension ContainerRuntime {
    /// `pause`: freeze every process of a running or created container, as runc does
    /// (otherwise "container not running"). Frozen, it reports "paused"; `delete --force`
    /// thaws before it kills.
    public func pause(id: String) throws {
        let lock = try store.lock(id)
        defer { _ = lock }
        let record = try store.load(id)
        let status = record.status(in: store)
        guard status == .running || status == .created else {
            throw RuntimeError.invalidState("container \"\(id)\" not running (status: \(status.rawValue))")
        }
        let cgroup = try Self.cgroupManager(of: record)
        do { try cgroup.freeze() } catch { throw RuntimeError("pausing \"\(id)\": \(error)") }
        // The init may have exited between the status check and the freeze (runc checks too):
        // a "paused" container with no process in it would never be resumed by anyone.
        if ((try? cgroup.pids()) ?? []).isEmpty {
            try? cgroup.thaw()
            throw RuntimeError.invalidState("container \"\(id)\": container process already exited")
        }
    }

    /// `resume`: thaw a paused container; the freezer decides.
    public func resume(id: String) throws {
        let lock = try store.lock(id)
        defer { _ = lock }
        let record = try store.load(id)
        let status = record.status(in: store)
        guard status != .stopped, status != .creating, let handle = record.cgroup,
            Cgroups.open(handle).isFrozen()
        else {
            throw RuntimeError.invalidState("container \"\(id)\" not paused (status: \(status.rawValue))")
        }
        do { try Cgroups.open(handle).thaw() } catch { throw RuntimeError("resuming \"\(id)\": \(error)") }
    }

    static func cgroupManager(of record: ContainerRecord) throws -> CgroupManager {
        guard let handle = record.cgroup else {
            throw RuntimeError("container \"\(record.id)\" has no cgroup recorded in its state")
        }
        return Cgroups.open(handle)
    }
}
