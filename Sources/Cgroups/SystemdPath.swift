/// Where the systemd driver puts a container, from `linux.cgroupsPath`, with runc's
/// semantics (libcontainer/specconv CreateCgroupConfig and cgroups/systemd): the path is
/// "slice:prefix:name"; an empty slice means system.slice (user.slice rootless); no
/// cgroupsPath means prefix "runc" and the container id as name. The unit is the scope
/// "<prefix>-<name>.scope", or the slice itself when the name ends in ".slice".
public struct SystemdCgroupPath: Equatable, Sendable {
    public var slice: String
    public var prefix: String
    public var name: String

    public init(slice: String, prefix: String, name: String) {
        self.slice = slice
        self.prefix = prefix
        self.name = name
    }

    public static func parse(_ cgroupsPath: String?, containerID: String, rootless: Bool) throws -> SystemdCgroupPath {
        let defaultSlice = rootless ? "user.slice" : "system.slice"
        guard let path = cgroupsPath, !path.isEmpty else {
            return SystemdCgroupPath(slice: defaultSlice, prefix: "runc", name: containerID)
        }
        let parts = path.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
            throw CgroupError("linux.cgroupsPath: expected \"slice:prefix:name\" for systemd cgroups, got \(quoted(path))")
        }
        guard !parts[2].isEmpty, !parts[2].contains("/") else {
            throw CgroupError("linux.cgroupsPath: the name in \(quoted(path)) must be non-empty and without \"/\"")
        }
        let slice = parts[0].isEmpty ? defaultSlice : parts[0]
        _ = try expandSlice(slice)  // refused now, before systemd sees it
        return SystemdCgroupPath(slice: slice, prefix: parts[1], name: parts[2])
    }

    /// runc's getUnitName.
    public var unitName: String {
        name.hasSuffix(".slice") ? name : prefix + "-" + name + ".scope"
    }

    public var isSlice: Bool { unitName.hasSuffix(".slice") }

    /// The unit's cgroup below the root of the manager's tree ("/system.slice/sdtest-c1.scope").
    public func cgroup() throws -> String {
        let parent = try Self.expandSlice(slice)
        if isSlice { return try Self.expandSlice(unitName) }
        return (parent == "/" ? "" : parent) + "/" + unitName
    }

    /// systemd nests slices by their dashes: "a-b-c.slice" is /a.slice/a-b.slice/a-b-c.slice;
    /// "-.slice" is the root. Empty components ("a--b.slice", "-a.slice") and "/" are refused.
    public static func expandSlice(_ slice: String) throws -> String {
        let suffix = ".slice"
        guard slice.hasSuffix(suffix), slice.count > suffix.count, !slice.contains("/") else {
            throw CgroupError("invalid slice name \(quoted(slice))")
        }
        let base = String(slice.dropLast(suffix.count))
        if base == "-" { return "/" }
        var path = "", prefix = ""
        for component in base.split(separator: "-", omittingEmptySubsequences: false) {
            guard !component.isEmpty else { throw CgroupError("invalid slice name \(quoted(slice))") }
            path += "/" + prefix + component + suffix
            prefix += component + "-"
        }
        return path
    }
}
