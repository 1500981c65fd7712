import Glibc
import OCISpec

/// cgroup v1, and hybrid: the v1 hierarchies carry every controller; in hybrid
/// mode the container also gets a directory in the cgroup2 tree (key "" of
/// `handle.paths`) and its processes are placed there too, as runc does.
final class V1Manager: CgroupManager {
    private(set) var handle: CgroupHandle

    init(handle: CgroupHandle) {
        self.handle = handle
    }

    func dir(_ controller: String) -> String? { handle.paths[controller] }

    func create() throws {
        if let d = dir("freezer"), let mount = handle.mountPoints["freezer"] { try FrozenCheck.refuseV1(d, mountPoint: mount) }
        if let d = dir(""), let mount = handle.mountPoints[""] { try FrozenCheck.refuseV2(d, mountPoint: mount) }
        var created = handle.created
        defer { handle.created = created }
        for dir in handle.directories {
            try CgroupDirectories.makeAll(dir, created: &created)
        }
        if let cpuset = dir("cpuset"), let mount = handle.mountPoints["cpuset"] {
            try Self.inheritCpuset(cpuset, mountPoint: mount)
        }
    }

    /// A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and
    /// the kernel refuses to add a process to it (ENOSPC). Fill every empty one from
    /// its parent, top down (runc's ensureParent/copyIfNeeded).
    static func inheritCpuset(_ leaf: String, mountPoint: String) throws {
        var chain: [String] = []
        var p = cleanPath(leaf)
        let top = cleanPath(mountPoint)
        while p != top && p.hasPrefix(top + "/") {
            chain.append(p)
            p = parentPath(p)
        }
        for dir in chain.reversed() {
            let parent = parentPath(dir)
            for file in ["cpuset.cpus", "cpuset.mems"] {
                let current = try CgroupFile.read(dir, file).trimmingWhitespace()
                if !current.isEmpty { continue }
                let inherited = try CgroupFile.read(parent, file).trimmingWhitespace()
                try CgroupFile.write(dir, file, inherited)
            }
        }
    }

    @discardableResult
    func apply(_ resources: LinuxResources, isUpdate: Bool) throws -> [CgroupWarning] {
        var v1 = V1Resources(paths: handle.paths, isUpdate: isUpdate)
        try v1.apply(resources)
        return v1.warnings
    }

    func addProcess(_ pid: Int32) throws {
        for dir in handle.directories {
            try CgroupFile.write(dir, "cgroup.procs", String(pid))
        }
    }

    /// The process list of one hierarchy, walked recursively; pids (or devices,
    /// freezer) is the one every container process must be in.
    func pids() throws -> [Int32] {
        for c in ["pids", "devices", "freezer", "memory", "cpu", ""] {
            if let d = dir(c) { return try CgroupDirectories.processes(under: d) }
        }
        guard let any = handle.directories.first else { return [] }
        return try CgroupDirectories.processes(under: any)
    }

    func freeze() throws {
        guard let d = dir("freezer") else { throw CgroupError("freeze: the freezer cgroup controller is not mounted") }
        try Freezer.freezeV1(d)
    }

    func thaw() throws {
        guard let d = dir("freezer") else { throw CgroupError("thaw: the freezer cgroup controller is not mounted") }
        try CgroupFile.write(d, "freezer.state", "THAWED")
    }

    func isFrozen() -> Bool {
        guard let d = dir("freezer"), let s = try? CgroupFile.read(d, "freezer.state") else { return false }
        return s.trimmingWhitespace() == "FROZEN"
    }

    func stats() throws -> CgroupStats {
        try V1Stats.collect(paths: handle.paths)
    }

    /// eventfd registered for memory.oom_control through cgroup.event_control. The
    /// eventfd also fires when the cgroup is removed.
    func oomEventFD() throws -> Int32? {
        guard let d = dir("memory") else { return nil }
        let control = d + "/memory.oom_control"
        let cfd = open(control, O_RDONLY | O_CLOEXEC)
        if cfd < 0 { throw CgroupError.sys("opening \(control)", errno) }
        // The kernel takes what it needs from the file during registration.
        defer { close(cfd) }
        let efd = try EventFD.make()
        do {
            try CgroupFile.write(d, "cgroup.event_control", "\(efd) \(cfd)")
        } catch {
            close(efd)
            throw error
        }
        return efd
    }

    func oomKillCount() -> UInt64 {
        guard let d = dir("memory"), let kv = try? CgroupFile.readKeyValues(d, "memory.oom_control") else { return 0 }
        return kv["oom_kill"] ?? 0
    }

    func destroy() throws {
        try CgroupDirectories.remove(created: handle.created, leaves: Set(handle.paths.values))
        handle.created = []
    }
}
