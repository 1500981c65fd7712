import Glibc
import OCISpec

/// Pure cgroup v2: one directory (`handle.paths[""]`) holds everything.
final class V2Manager: CgroupManager {
    private(set) var handle: CgroupHandle
    let installDevices: ([DeviceRule], String) throws -> Void

    init(
        handle: CgroupHandle,
        installDevices: @escaping ([DeviceRule], String) throws -> Void = BPF.installDeviceFilter
    ) {
        self.handle = handle
        self.installDevices = installDevices
    }

    var dir: String { handle.paths[""] ?? "" }
    var mountPoint: String { handle.mountPoints[""] ?? "/sys/fs/cgroup" }

    func create() throws {
        try FrozenCheck.refuseV2(dir, mountPoint: mountPoint)
        var created = handle.created
        defer { handle.created = created }
        try CgroupDirectories.makeAll(dir, created: &created)
        try Self.enableControllers(down: dir, from: mountPoint)
    }

    /// Every ancestor from the mount point down to the parent of `leaf` gets the
    /// controllers it has available in its cgroup.subtree_control, so the leaf
    /// has the files we write. All in one write first; if the kernel refuses (a
    /// controller it cannot enable there), one by one, ignoring refusals: a
    /// missing controller is reported when its file is written (runc does this).
    static func enableControllers(down leaf: String, from mountPoint: String) throws {
        let top = cleanPath(mountPoint)
        var chain: [String] = []
        var p = parentPath(cleanPath(leaf))
        while p == top || p.hasPrefix(top + "/") {
            chain.append(p)
            if p == top { break }
            p = parentPath(p)
        }
        for d in chain.reversed() {
            let available = try CgroupFile.read(d, "cgroup.controllers")
                .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
            if available.isEmpty { continue }
            let enabled = Set(
                (try? CgroupFile.read(d, "cgroup.subtree_control"))?
                    .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) ?? [])
            let wanted = available.filter { !enabled.contains($0) }
            if wanted.isEmpty { continue }
            if (try? CgroupFile.write(d, "cgroup.subtree_control", wanted.map { "+" + $0 }.joined(separator: " "))) == nil {
                for c in wanted { try? CgroupFile.write(d, "cgroup.subtree_control", "+" + c) }
            }
        }
    }

    @discardableResult
    func apply(_ resources: LinuxResources, isUpdate: Bool) throws -> [CgroupWarning] {
        var v2 = V2Resources(dir: dir, isUpdate: isUpdate, installDevices: installDevices)
        try v2.apply(resources)
        return v2.warnings
    }

    func addProcess(_ pid: Int32) throws {
        try CgroupFile.write(dir, "cgroup.procs", String(pid))
    }

    func pids() throws -> [Int32] {
        try CgroupDirectories.processes(under: dir)
    }

    func freeze() throws { try Freezer.setV2(dir, frozen: true) }
    func thaw() throws { try Freezer.setV2(dir, frozen: false) }
    func isFrozen() -> Bool { Freezer.isFrozenV2(dir) }

    func stats() throws -> CgroupStats {
        try V2Stats.collect(dir: dir)
    }

    /// inotify on memory.events: every change (oom, oom_kill, max, high …) wakes
    /// the reader, who compares `oomKillCount()` with the last value seen.
    func oomEventFD() throws -> Int32? {
        let events = dir + "/memory.events"
        guard CgroupFile.exists(events) else { return nil }
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        if fd < 0 { throw CgroupError.sys("inotify_init1", errno) }
        if inotify_add_watch(fd, events, UInt32(IN_MODIFY)) < 0 {
            let err = errno
            close(fd)
            throw CgroupError.sys("watching \(events) with inotify", err)
        }
        return fd
    }

    func oomKillCount() -> UInt64 {
        (try? CgroupFile.readKeyValues(dir, "memory.events"))?["oom_kill"] ?? 0
    }

    func destroy() throws {
        try CgroupDirectories.remove(created: handle.created, leaves: [dir])
        handle.created = []
    }
}
