import Cgroups
import Glibc
import OCISpec

/// A `cgroup` mount in config.json shows the container its own cgroups, read-only by default.
/// As runc does without a cgroup namespace: cgroup v2 binds the container's directory;
/// cgroup v1 puts a tmpfs at the destination and binds each hierarchy's container directory.
public enum CgroupMountPlanner {
    public struct Hierarchy: Sendable, Equatable {
        public var name: String  // "memory", "cpu,cpuacct", "" for the unified hierarchy
        public var hostPath: String  // the container's directory in that hierarchy
        public init(name: String, hostPath: String) { self.name = name; self.hostPath = hostPath }
    }

    static func plan(target: String, dest: String, flags: UInt, hierarchies: [Hierarchy]) -> [LaunchPlan.PlannedMount] {
        let keep = flags & UInt(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        if hierarchies.count == 1, hierarchies[0].name.isEmpty {
            return [
                LaunchPlan.PlannedMount(
                    source: hierarchies[0].hostPath, target: target, dest: dest, fstype: nil,
                    data: nil, flags: UInt(MS_BIND | MS_REC), remountFlags: keep, ownCgroup: true)
            ]
        }
        var mounts = [
            LaunchPlan.PlannedMount(
                source: "tmpfs", target: target, dest: dest, fstype: "tmpfs",
                data: "mode=755", flags: UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC))
        ]
        for h in hierarchies where !h.name.isEmpty {
            mounts.append(
                LaunchPlan.PlannedMount(
                    source: h.hostPath, target: target + "/" + h.name,
                    dest: dest + "/" + h.name, fstype: nil,
                    data: nil, flags: UInt(MS_BIND | MS_REC), remountFlags: keep, ownCgroup: true))
        }
        // The tmpfs itself goes read-only last, after its mount points exist.
        if keep & UInt(MS_RDONLY) != 0 {
            mounts.append(
                LaunchPlan.PlannedMount(
                    source: nil, target: target, dest: dest, fstype: nil, data: nil,
                    flags: UInt(MS_REMOUNT | MS_BIND) | keep))
        }
        return mounts
    }
}

extension CgroupHandle {
    /// One entry per mounted hierarchy, named like its mount point's last component
    /// ("memory", "cpu,cpuacct", "unified" on a hybrid host); pure v2 is the nameless one.
    func mountHierarchies() -> [CgroupMountPlanner.Hierarchy] {
        var seen = Set<String>()
        var out: [CgroupMountPlanner.Hierarchy] = []
        for (controller, dir) in paths.sorted(by: { $0.key < $1.key }) {
            guard let mount = mountPoints[controller], seen.insert(mount).inserted else { continue }
            let name = kind == .unified ? "" : TextFields.split(mount, at: UInt8(ascii: "/")).last ?? ""
            out.append(.init(name: name, hostPath: dir))
        }
        return out
    }
}
