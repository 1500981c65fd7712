import Glibc
import OCISpec

public enum CgroupLayoutKind: String, Codable, Sendable {
    /// Only cgroup v1 hierarchies carry controllers; no cgroup2 mount.
    case v1
    /// One cgroup2 hierarchy carries every controller.
    case unified
    /// v1 hierarchies carry the controllers and a cgroup2 mount (systemd's
    /// "unified" directory) exists beside them for process tracking.
    case hybrid
}

/// One mounted cgroup hierarchy, as seen from this process.
public struct CgroupHierarchy: Codable, Sendable, Equatable {
    /// Where the hierarchy is mounted (mountinfo field 5).
    public var mountPoint: String
    /// The cgroup shown at the mount point (mountinfo field 4, "/" unless bind-mounted).
    public var root: String
    /// v1: the controllers of this hierarchy ("cpu", "cpuacct"; "name=systemd" for a
    /// named one). cgroup2: empty.
    public var controllers: [String]
    /// Our own cgroup in this hierarchy, from /proc/self/cgroup ("/" when not listed).
    public var ownPath: String

    /// Our own cgroup as a directory: the mount point joined with ownPath taken
    /// relative to the mount's root (runc's getCgroupPathHelper).
    public var ownDirectory: String {
        joinPath(mountPoint, pathRelativeToRoot(ownPath))
    }

    /// A cgroup path (as in /proc/<pid>/cgroup) made relative to the mount's root;
    /// a path outside the mounted subtree cannot be reached and maps to "/".
    func pathRelativeToRoot(_ path: String) -> String {
        let p = cleanPath(path), r = cleanPath(root)
        if r == "/" { return p }
        if p == r { return "/" }
        if p.hasPrefix(r + "/") { return String(p.dropFirst(r.count)) }
        return "/"
    }
}

/// The cgroup mounts of this machine, found in /proc/self/mountinfo (no path is
/// assumed: /sys/fs/cgroup is only where they usually are).
public struct CgroupLayout: Codable, Sendable, Equatable {
    public var kind: CgroupLayoutKind
    /// v1 hierarchies (including named ones such as name=systemd), first mount of each.
    public var v1: [CgroupHierarchy]
    /// The cgroup2 mount, if any (the whole tree when unified; a side tree when hybrid).
    public var unified: CgroupHierarchy?

    public init(kind: CgroupLayoutKind, v1: [CgroupHierarchy], unified: CgroupHierarchy?) {
        self.kind = kind
        self.v1 = v1
        self.unified = unified
    }

    public static func detect() throws -> CgroupLayout {
        try parse(
            mountinfo: CgroupFile.read(path: "/proc/self/mountinfo"),
            procSelfCgroup: CgroupFile.read(path: "/proc/self/cgroup"))
    }

    /// The v1 hierarchy that carries `controller` ("memory", "name=systemd").
    public func hierarchy(for controller: String) -> CgroupHierarchy? {
        v1.first { $0.controllers.contains(controller) }
    }

    /// Controllers the kernel knows as v1 subsystems; anything else in a cgroup
    /// mount's super options is a mount option (rw, relatime, clone_children …).
    static let knownV1Controllers: Set<String> = [
        "cpuset", "cpu", "cpuacct", "blkio", "io", "memory", "devices", "freezer",
        "net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc", "debug"
    ]

    public static func parse(mountinfo: String, procSelfCgroup: String) throws -> CgroupLayout {
        // Split as bytes (TextFields): a String split walks grapheme clusters, ~10x slower.
        var own: [String: String] = [:]  // sorted controller list joined by "," → path; "" for cgroup2
        for line in TextFields.split(procSelfCgroup, at: UInt8(ascii: "\n")) {
            let f = TextFields.split(line, at: UInt8(ascii: ":"), maxSplits: 2, omittingEmpty: false)
            guard f.count == 3 else { continue }
            let names = TextFields.split(f[1], at: UInt8(ascii: ",")).sorted()
            own[TextJoin.join(names, separator: ",")] = f[2]
        }

        var v1: [CgroupHierarchy] = []
        var unified: CgroupHierarchy?
        for line in cgroupMountLines(mountinfo) {
            let fields = TextFields.split(line, at: UInt8(ascii: " "))
            guard let dash = fields.firstIndex(of: "-"), dash >= 6, fields.count >= dash + 4 else { continue }
            let fsType = fields[dash + 1]
            let root = unescapeMountField(fields[3])
            let mountPoint = unescapeMountField(fields[4])
            if fsType == "cgroup2" {
                if unified == nil {
                    unified = CgroupHierarchy(
                        mountPoint: mountPoint, root: root, controllers: [],
                        ownPath: own[""] ?? "/")
                }
            } else if fsType == "cgroup" {
                let controllers = TextFields.split(fields[dash + 3], at: UInt8(ascii: ","))
                    .filter { knownV1Controllers.contains($0) || $0.hasPrefix("name=") }
                    .sorted()
                guard !controllers.isEmpty else { continue }
                if v1.contains(where: { $0.controllers == controllers }) { continue }
                v1.append(
                    CgroupHierarchy(
                        mountPoint: mountPoint, root: root, controllers: controllers,
                        ownPath: own[TextJoin.join(controllers, separator: ",")] ?? "/"))
            }
        }

        let v1HasControllers = v1.contains { h in h.controllers.contains { !$0.hasPrefix("name=") } }
        let kind: CgroupLayoutKind
        switch (v1HasControllers, unified != nil) {
        case (true, true): kind = .hybrid
        case (true, false): kind = .v1
        case (false, true): kind = .unified
        case (false, false):
            throw CgroupError("no cgroup or cgroup2 mount found in /proc/self/mountinfo")
        }
        return CgroupLayout(kind: kind, v1: v1, unified: unified)
    }
}

extension CgroupLayout {
    /// The lines of mountinfo that can describe a cgroup mount ("- cgroup" before the fs
    /// type), found with memchr and memcmp: a host with hundreds of mounts has tens of
    /// kilobytes of mountinfo, of which a dozen lines matter, and every create reads it.
    static func cgroupMountLines(_ mountinfo: String) -> [String] {
        var text = mountinfo
        let needle = Array("- cgroup".utf8)
        return text.withUTF8 { utf8 -> [String] in
            let buffer = UnsafeRawBufferPointer(utf8)
            let newline = UInt8(ascii: "\n")
            var lines: [String] = []
            var offset = 0
            while let at = ByteSearch.firstOffset(of: needle, in: buffer, from: offset) {
                guard at > 0, buffer[at - 1] == UInt8(ascii: " ") else {
                    offset = at + 1
                    continue
                }
                var start = at
                while start > 0, buffer[start - 1] != newline { start -= 1 }
                var end = at
                while end < buffer.count, buffer[end] != newline { end += 1 }
                lines.append(String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self))
                offset = end
            }
            return lines
        }
    }
}

/// mountinfo escapes space, tab, newline and backslash as \ooo octal.
func unescapeMountField(_ s: String) -> String {
    guard s.utf8.contains(UInt8(ascii: "\\")) else { return s }
    var out: [UInt8] = []
    let b = Array(s.utf8)
    var i = 0
    while i < b.count {
        if b[i] == UInt8(ascii: "\\"), i + 3 < b.count {
            let digits = b[(i + 1)...(i + 3)]
            if digits.allSatisfy({ $0 >= 48 && $0 <= 55 }) {
                let v = digits.reduce(0) { $0 * 8 + Int($1 - 48) }
                out.append(UInt8(truncatingIfNeeded: v))
                i += 4
                continue
            }
        }
        out.append(b[i])
        i += 1
    }
    return String(decoding: out, as: UTF8.self)
}
