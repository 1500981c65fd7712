import CSystemd
import Glibc
import OCISpec

/// The systemd driver (`--systemd-cgroup`): the container's cgroup is a transient scope
/// unit that systemd creates, limits and removes; everything else (files systemd has no
/// property for, freezing, stats, process lists) goes through the cgroupfs manager of the
/// same directories, as in runc's cgroups/systemd.
final class SystemdManager: CgroupManager {
    private(set) var handle: CgroupHandle
    let unit: SystemdUnit
    private var fs: CgroupManager

    init(handle: CgroupHandle, unit: SystemdUnit) {
        self.handle = handle
        self.unit = unit
        var plain = handle
        plain.systemd = nil
        fs = Cgroups.open(plain)
    }

    /// The cgroup.procs file systemd watches for the scope becoming empty.
    var trackingProcs: String? {
        let dir = handle.paths[""] ?? handle.paths["name=systemd"] ?? handle.paths["pids"]
        return dir.map { $0 + "/cgroup.procs" }
    }

    func create() throws {
        let bus = try SystemdBus.connect(user: unit.user)
        var props: [SystemdProperty] = [.init("Description", .string("libcontainer container " + unit.name))]
        var holderFD: Int32 = -1
        defer { if holderFD >= 0 { close(holderFD) } }  // EOF without a path: the holder exits
        if unit.unit.hasSuffix(".slice") {
            props.append(.init("Wants", .string(unit.slice)))
        } else {
            // Our init is born inside the scope's cgroup (clone3 CLONE_INTO_CGROUP), so the
            // scope starts with a stand-in process, which leaves once the init is there.
            let holder = csd_placeholder(&holderFD, 120_000)
            if holder < 0 { throw CgroupError.sys("starting the scope's placeholder process", -holder) }
            props += [
                .init("Slice", .string(unit.slice)), .init("Delegate", .bool(true)),
                .init("PIDs", .pids([UInt32(holder)]))
            ]
        }
        let unified = handle.kind == .unified
        props += [
            .init("MemoryAccounting", .bool(true)), .init("CPUAccounting", .bool(true)),
            .init(unified ? "IOAccounting" : "BlockIOAccounting", .bool(true)),
            .init("TasksAccounting", .bool(true)), .init("DefaultDependencies", .bool(false))
        ]
        try bus.startTransientUnit(unit.unit, props)
        if holderFD >= 0, let procs = trackingProcs {
            _ = procs.withCString { write(holderFD, $0, strlen($0)) }
        }
        // v1: hierarchies systemd does not manage (cpuset, freezer …) are made here, and
        // ancestors' cpuset/subtree_control filled, exactly as for cgroupfs.
        try fs.create()
        handle.created = fs.handle.created
    }

    @discardableResult
    func apply(_ resources: LinuxResources, isUpdate: Bool) throws -> [CgroupWarning] {
        let props = try SystemdProperties.resources(resources, unified: handle.kind == .unified)
        if !props.isEmpty { try SystemdBus.connect(user: unit.user).setUnitProperties(unit.unit, props) }
        return try fs.apply(resources, isUpdate: isUpdate)
    }

    func addProcess(_ pid: Int32) throws { try fs.addProcess(pid) }
    func pids() throws -> [Int32] { try fs.pids() }
    func freeze() throws { try fs.freeze() }
    func thaw() throws { try fs.thaw() }
    func isFrozen() -> Bool { fs.isFrozen() }
    func stats() throws -> CgroupStats { try fs.stats() }
    func oomEventFD() throws -> Int32? { try fs.oomEventFD() }
    func oomKillCount() -> UInt64 { fs.oomKillCount() }

    /// Stops the unit (systemd kills what is left and removes its cgroup), then removes
    /// what we made ourselves (v1 hierarchies systemd does not manage).
    func destroy() throws {
        let bus = try SystemdBus.connect(user: unit.user)
        try bus.stopUnit(unit.unit)
        bus.resetFailed(unit.unit)
        try fs.destroy()
        handle.created = []
    }
}
