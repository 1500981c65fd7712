import Glibc

/// The unit behind a container's cgroup under the systemd driver (kept in state.json).
public struct SystemdUnit: Codable, Sendable, Equatable {
    /// "sdtest-c1.scope"
    public var unit: String
    /// The parent slice ("system.slice").
    public var slice: String
    /// The name part of cgroupsPath (for the unit's description).
    public var name: String
    /// The user's manager (rootless) rather than the system's.
    public var user: Bool

    public init(unit: String, slice: String, name: String, user: Bool) {
        self.unit = unit
        self.slice = slice
        self.name = name
        self.user = user
    }
}

public enum SystemdCgroups {
    /// systemd is PID 1 when /run/systemd/system is a directory (sd_booted(3), runc's
    /// IsRunningSystemd).
    public static var isRunning: Bool {
        var st = stat()
        return lstat("/run/systemd/system", &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static let notRunningMessage = "systemd is not running: use cgroupfs"

    /// The handle for a container under the systemd driver: the unit's cgroup directories
    /// as systemd will make them (runc's initPath / getSubsystemPath).
    public static func manager(
        cgroupsPath: String?, containerID: String, layout: CgroupLayout,
        rootless: Bool
    ) throws -> CgroupManager {
        guard isRunning else { throw CgroupError(notRunningMessage) }
        let path = try SystemdCgroupPath.parse(cgroupsPath, containerID: containerID, rootless: rootless)
        let unit = SystemdUnit(unit: path.unitName, slice: path.slice, name: path.name, user: rootless)
        let cgroup = try path.cgroup()
        var paths: [String: String] = [:], mounts: [String: String] = [:]
        switch layout.kind {
        case .unified:
            guard let u = layout.unified else { throw CgroupError("unified layout without a cgroup2 mount") }
            var base = "/"
            if rootless {
                // The user manager's own cgroup: /user.slice/user-1000.slice/user@1000.service
                base = try SystemdBus.connect(user: true).managerString("ControlGroup")
            }
            paths[""] = joinPath(joinPath(u.mountPoint, base), cgroup)
            mounts[""] = u.mountPoint
        case .v1, .hybrid:
            guard !rootless else { throw CgroupError("the systemd cgroup driver needs cgroup v2 when rootless") }
            // Below PID 1's cgroup in each hierarchy (without its init.scope), as runc.
            let initLayout = try CgroupLayout.parse(
                mountinfo: CgroupFile.read(path: "/proc/self/mountinfo"),
                procSelfCgroup: CgroupFile.read(path: "/proc/1/cgroup"))
            func dir(_ h: CgroupHierarchy) -> String {
                var base = h.pathRelativeToRoot(h.ownPath)
                if base.hasSuffix("/init.scope") { base = parentPath(base) }
                return joinPath(joinPath(h.mountPoint, base), cgroup)
            }
            for h in initLayout.v1 {
                for c in h.controllers { paths[c] = dir(h); mounts[c] = h.mountPoint }
            }
            if layout.kind == .hybrid, let u = initLayout.unified {
                paths[""] = dir(u)
                mounts[""] = u.mountPoint
            }
        }
        var handle = CgroupHandle(kind: layout.kind, paths: paths, mountPoints: mounts)
        handle.systemd = unit
        return Cgroups.open(handle)
    }
}
