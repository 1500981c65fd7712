/// A `linux.sysctl` key read as sysctl(8) reads it (config-linux.md points there): "." and
/// "/" both separate its parts, and the first separator decides. With a dot first, dots and
/// slashes swap: "net.ipv4.conf.eth0/100.forwarding" is `net/ipv4/conf/eth0.100/forwarding`,
/// the form Kubernetes passes for an interface with a dot in its name. With a slash first the
/// key is the path as it stands. (runc turns every dot into a slash, which breaks both forms
/// for such an interface; for every key without a "/" the two agree.)
public enum SysctlKey {
    /// The file under /proc/sys the key names, or nil when a part is empty, "." or "..": a
    /// key names one file below /proc/sys and nothing else.
    public static func path(_ key: String) -> String? {
        let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
        let swap = key.utf8.first { $0 == dot || $0 == slash } == dot
        var path: [UInt8] = []
        path.reserveCapacity(key.utf8.count)
        var partStart = 0
        for byte in key.utf8 {
            let mapped = swap && byte == dot ? slash : swap && byte == slash ? dot : byte
            if mapped == slash {
                guard isPart(path[partStart...]) else { return nil }
                partStart = path.count + 1
            }
            path.append(mapped)
        }
        guard isPart(path[partStart...]) else { return nil }
        return String(decoding: path, as: UTF8.self)
    }

    /// The key with dots for separators, as the namespace rules name sysctls ("net.", "kernel.shmmax").
    public static func dotted(path: String) -> String {
        String(decoding: path.utf8.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
    }

    private static func isPart(_ part: ArraySlice<UInt8>) -> Bool {
        !part.isEmpty && !part.elementsEqual([UInt8(ascii: ".")]) && !part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")])
    }
}
