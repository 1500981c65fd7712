import Cgroups
import OCISpec

extension ContainerRuntime {
    /// `update`: merge `changes` into the container's current resources, write the merged
    /// set (as runc's `container.Set`, so inter-dependent values such as memory and
    /// memory+swap are checked against each other), and keep it in state.json so later
    /// commands see the new limits. Device rules are never rewritten (runc cannot either).
    /// Returns the cgroup layer's notes (settings this kernel ignores).
    @discardableResult
    public func update(id: String, changes: LinuxResources) throws -> [String] {
        let lock = try store.lock(id)
        defer { _ = lock }
        let record = try store.load(id)
        let status = record.status(in: store)
        guard status != .stopped, status != .creating else {
            throw RuntimeError.invalidState("container \"\(id)\" is not running (status: \(status.rawValue)): cannot update its resources")
        }
        let cgroup = try Self.cgroupManager(of: record)
        var spec = try record.spec
        let merged = ResourceMerge.merge(spec.linux?.resources, changes)
        // The cgroup layer narrows these values too: the same rules as `create` come first.
        if let issue = SpecValidator.validate(resources: merged, file: "update").first {
            throw RuntimeError("updating \"\(id)\": \(issue)")
        }
        var written = merged
        written.devices = nil
        let warnings: [CgroupWarning]
        do { warnings = try cgroup.apply(written, isUpdate: true) } catch {
            throw RuntimeError("updating \"\(id)\": \(error)")
        }
        if spec.linux == nil { spec.linux = Linux() }
        spec.linux?.resources = merged
        record.replaceSpec(spec)
        try store.save(record)
        var notes = warnings.map(\.description)
        if changes.devices != nil { notes.append("update: device rules cannot be changed on a live container; ignored") }
        return notes
    }
}

/// Overlaying an update on the stored resources: every field the update sets replaces the
/// stored one, anything it leaves out stays. The exceptions follow runc's `update`.
enum ResourceMerge {
    static func merge(_ current: LinuxResources?, _ change: LinuxResources) -> LinuxResources {
        var r = current ?? LinuxResources()
        if let m = change.memory {
            var memory = r.memory ?? LinuxMemory()
            overlay(&memory.limit, m.limit)
            overlay(&memory.reservation, m.reservation)
            overlay(&memory.swap, m.swap)
            overlay(&memory.kernel, m.kernel)
            overlay(&memory.kernelTCP, m.kernelTCP)
            overlay(&memory.swappiness, m.swappiness)
            overlay(&memory.disableOOMKiller, m.disableOOMKiller)
            overlay(&memory.useHierarchy, m.useHierarchy)
            overlay(&memory.checkBeforeUpdate, m.checkBeforeUpdate)
            // v1 compatibility (runc): unlimited memory without a swap value means unlimited swap.
            if m.limit == -1 && m.swap == nil { memory.swap = -1 }
            r.memory = memory
        }
        if let c = change.cpu {
            var cpu = r.cpu ?? LinuxCPU()
            overlay(&cpu.shares, c.shares)
            overlay(&cpu.quota, c.quota)
            overlay(&cpu.burst, c.burst)
            overlay(&cpu.period, c.period)
            overlay(&cpu.realtimeRuntime, c.realtimeRuntime)
            overlay(&cpu.realtimePeriod, c.realtimePeriod)
            // An empty list means "unchanged", as in runc.
            overlay(&cpu.cpus, c.cpus.flatMap { $0.isEmpty ? nil : $0 })
            overlay(&cpu.mems, c.mems.flatMap { $0.isEmpty ? nil : $0 })
            overlay(&cpu.idle, c.idle)
            r.cpu = cpu
        }
        // runc: a pids limit of 0 leaves the current limit alone.
        if let p = change.pids, p.limit != 0 { r.pids = p }
        if let b = change.blockIO {
            var blkio = r.blockIO ?? LinuxBlockIO()
            overlay(&blkio.weight, b.weight.flatMap { $0 == 0 ? nil : $0 })
            overlay(&blkio.leafWeight, b.leafWeight)
            overlay(&blkio.weightDevice, b.weightDevice)
            overlay(&blkio.throttleReadBpsDevice, b.throttleReadBpsDevice)
            overlay(&blkio.throttleWriteBpsDevice, b.throttleWriteBpsDevice)
            overlay(&blkio.throttleReadIOPSDevice, b.throttleReadIOPSDevice)
            overlay(&blkio.throttleWriteIOPSDevice, b.throttleWriteIOPSDevice)
            r.blockIO = blkio
        }
        overlay(&r.hugepageLimits, change.hugepageLimits)
        overlay(&r.network, change.network)
        if let rdma = change.rdma { r.rdma = (r.rdma ?? [:]).merging(rdma) { $1 } }
        if let unified = change.unified { r.unified = (r.unified ?? [:]).merging(unified) { $1 } }
        return r
    }

    private static func overlay<T>(_ field: inout T?, _ value: T?) {
        if let value { field = value }
    }
}
