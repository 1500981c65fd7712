import OCISpec

/// `exec --cgroup` (runc 1.1): the process goes into an existing cgroup below the
/// container's, in every hierarchy (`--cgroup SUB`) or per v1 controller
/// (`--cgroup cpu,memory:SUB`, repeatable).
public enum SubCgroups {
    /// runc's parsing of the flag values: controller ("" for all) → sub-path.
    public static func parse(_ values: [String]) throws -> [String: String] {
        var subs: [String: String] = [:]
        for value in values {
            guard let colon = value.firstIndex(of: ":") else {
                guard values.count == 1 else {
                    throw CgroupError("invalid --cgroup argument: \(value) (missing <controller>: prefix)")
                }
                subs[""] = value
                continue
            }
            let path = String(value[value.index(after: colon)...])
            for controller in TextFields.split(value[..<colon], at: UInt8(ascii: ","), omittingEmpty: false) {
                guard !controller.isEmpty else {
                    throw CgroupError("invalid --cgroup argument: \(value) (empty <controller> prefix)")
                }
                guard subs[controller] == nil else {
                    throw CgroupError("invalid --cgroup argument(s): controller \(controller) specified multiple times")
                }
                subs[controller] = path
            }
        }
        return subs
    }
}

extension CgroupHandle {
    /// This handle with the sub-cgroups of `subs` (from `SubCgroups.parse`) in place of the
    /// container's own directories; each must lie below the container's and exist.
    public func below(_ subs: [String: String]) throws -> CgroupHandle {
        guard !subs.isEmpty else { return self }
        var moved = self
        if let all = subs[""] {
            for (controller, base) in paths { moved.paths[controller] = try Self.sub(all, of: base) }
            return moved
        }
        for (controller, sub) in subs.sorted(by: { $0.key < $1.key }) {
            guard let base = paths[controller] else {
                throw CgroupError(
                    paths.keys.contains { !$0.isEmpty }
                        ? "--cgroup: unknown controller \(quoted(controller)) (not a hierarchy of this container)"
                        : "--cgroup: cgroup v2 has no per-controller cgroups: give the sub-cgroup alone")
            }
            moved.paths[controller] = try Self.sub(sub, of: base)
        }
        return moved
    }

    private static func sub(_ sub: String, of base: String) throws -> String {
        let path = joinPath(base, sub)
        guard path.hasPrefix(base + "/") || path == base else { throw CgroupError("\(sub) is not a sub cgroup path (--cgroup)") }
        guard CgroupFile.isDirectory(path) else { throw CgroupError("no cgroup \(path) (--cgroup \(sub))") }
        return path
    }
}
