/// Joining strings with a separator, without the standard library's `joined(separator:)`.
///
/// That one is generic code the compiler does not specialize here: each generic context it
/// is first used in pays a run-time associated-type look-up (demangling, a scan of every
/// protocol conformance in the binary), ~200,000 instructions. A `create` used it in five
/// places on its path (cgroup paths, the rootfs resolver, the uid_map check): about a
/// seventh of the parent's instructions under callgrind. These loops cost what they copy.
public enum TextJoin {
    public static func join(_ parts: [Substring], separator: String) -> String {
        var out = ""
        for index in parts.indices {
            if index > 0 { out.append(separator) }
            out.append(contentsOf: parts[index])
        }
        return out
    }

    public static func join(_ parts: [String], separator: String) -> String {
        var out = ""
        for index in parts.indices {
            if index > 0 { out.append(separator) }
            out.append(parts[index])
        }
        return out
    }
}
