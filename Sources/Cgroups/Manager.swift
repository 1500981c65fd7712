import OCISpec

/// Everything needed to find a container's cgroups again (it is stored in
/// state.json): the layout kind, each controller's directory, and the
/// directories this runtime created — `destroy()` removes only those.
public struct CgroupHandle: Codable, Sendable, Equatable {
    public var kind: CgroupLayoutKind
    /// Controller → absolute directory of the container's cgroup. v1 and hybrid:
    /// one entry per v1 controller ("cpu", "cpuacct", "memory", "name=systemd" …;
    /// co-mounted controllers share a directory); hybrid and unified: "" is the
    /// cgroup2 directory.
    public var paths: [String: String]
    /// Controller → mount point of its hierarchy (same keys as `paths`); the
    /// boundary for walks up the tree (cpuset inheritance, subtree_control).
    public var mountPoints: [String: String]
    /// Directories this runtime created, parents before children.
    public var created: [String]
    /// The systemd unit owning these directories (`--systemd-cgroup`); nil for cgroupfs.
    public var systemd: SystemdUnit?

    public init(
        kind: CgroupLayoutKind, paths: [String: String], mountPoints: [String: String],
        created: [String] = []
    ) {
        self.kind = kind
        self.paths = paths
        self.mountPoints = mountPoints
        self.created = created
    }

    /// The distinct container directories, sorted (co-mounted controllers once).
    public var directories: [String] { Array(Set(paths.values)).sorted() }
}

/// Non-fatal notes from `apply` (a setting the kernel no longer supports, a
/// setting that has no meaning on this layout). The caller may log them.
public struct CgroupWarning: Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { "cgroup: " + message }
}

public protocol CgroupManager: AnyObject {
    var handle: CgroupHandle { get }
    /// mkdir -p every directory of `handle.paths`, remembering the ones created.
    /// v2: enables the available controllers in each ancestor's
    /// cgroup.subtree_control. v1: fills an empty cpuset.cpus/mems from the parent.
    /// Refuses ("cgroup is frozen") a target that is, or would start, frozen.
    func create() throws
    /// Writes the limits (before the container process runs, or for `update`).
    @discardableResult
    func apply(_ resources: LinuxResources, isUpdate: Bool) throws -> [CgroupWarning]
    /// Moves `pid` into the container's cgroup in every hierarchy.
    func addProcess(_ pid: Int32) throws
    /// Every process of the cgroup and its descendants.
    func pids() throws -> [Int32]
    func freeze() throws
    func thaw() throws
    func isFrozen() -> Bool
    func stats() throws -> CgroupStats
    /// A file descriptor that becomes readable on an OOM event, nil when the memory
    /// controller is missing. v1: an eventfd registered through cgroup.event_control;
    /// v2: an inotify descriptor watching memory.events. In both cases drain it with
    /// one read() of 4096 bytes, then call `oomKillCount()` for the current count.
    /// The caller owns (and closes) the descriptor.
    func oomEventFD() throws -> Int32?
    /// The kernel's count of OOM kills in the cgroup (oom_kill in memory.oom_control
    /// or memory.events), 0 when unknown.
    func oomKillCount() -> UInt64
    /// rmdir the directories `create()` made, deepest first, after removing any
    /// child cgroups the container made inside its own; retries EBUSY while the
    /// last processes exit. Kills nothing.
    func destroy() throws
}

public enum Cgroups {
    /// Where a container's cgroup goes, following runc's cgroupfs driver:
    /// - an absolute `cgroupsPath` is taken from the root of every hierarchy
    ///   ("/a/b" → <mount>/a/b);
    /// - a relative one is taken from the runtime's own cgroup: in v1 and hybrid
    ///   hierarchies from our own cgroup in that hierarchy (/proc/self/cgroup), in
    ///   unified mode from the *parent* of our own cgroup (our own usually has
    ///   processes, so controllers could not be enabled below it);
    /// - no `cgroupsPath` means the relative path "<containerID>", as runc does.
    /// ".." cannot climb above the base (runc's CleanPath). A path naming the root
    /// itself is refused.
    public static func manager(
        cgroupsPath: String?, containerID: String,
        layout: CgroupLayout
    ) throws -> CgroupManager {
        let handle = try makeHandle(cgroupsPath: cgroupsPath, containerID: containerID, layout: layout)
        return open(handle)
    }

    public static func open(_ handle: CgroupHandle) -> CgroupManager {
        if let unit = handle.systemd { return SystemdManager(handle: handle, unit: unit) }
        switch handle.kind {
        case .v1, .hybrid: return V1Manager(handle: handle)
        case .unified: return V2Manager(handle: handle)
        }
    }

    static func makeHandle(
        cgroupsPath: String?, containerID: String,
        layout: CgroupLayout
    ) throws -> CgroupHandle {
        let requested = (cgroupsPath?.isEmpty ?? true) ? containerID : cgroupsPath!
        let inner = safeCgroupPath(requested)
        if inner.isEmpty || inner == "." || inner == "/" {
            throw CgroupError("cgroupsPath \(quoted(requested)) names the root of the cgroup hierarchy")
        }
        let absolute = inner.hasPrefix("/")

        var paths: [String: String] = [:]
        var mounts: [String: String] = [:]
        func v1Dir(_ h: CgroupHierarchy) -> String {
            absolute ? joinPath(h.mountPoint, inner) : joinPath(h.ownDirectory, inner)
        }
        switch layout.kind {
        case .v1, .hybrid:
            for h in layout.v1 {
                for c in h.controllers {
                    paths[c] = v1Dir(h)
                    mounts[c] = h.mountPoint
                }
            }
            if layout.kind == .hybrid, let u = layout.unified {
                paths[""] = v1Dir(u)
                mounts[""] = u.mountPoint
            }
        case .unified:
            guard let u = layout.unified else { throw CgroupError("unified layout without a cgroup2 mount") }
            if absolute {
                paths[""] = joinPath(u.mountPoint, inner)
            } else {
                let base = parentPath(u.pathRelativeToRoot(u.ownPath))
                paths[""] = joinPath(joinPath(u.mountPoint, base), inner)
            }
            mounts[""] = u.mountPoint
        }
        for (c, p) in paths where p == mounts[c] {
            throw CgroupError("cgroupsPath \(quoted(requested)) resolves to the hierarchy root \(p) for \(c.isEmpty ? "cgroup2" : c)")
        }
        return CgroupHandle(kind: layout.kind, paths: paths, mountPoints: mounts)
    }
}
