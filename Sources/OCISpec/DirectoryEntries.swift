import Glibc

/// The one readdir(3) loop: the names in a directory (without "." and ".."), with their
/// d_type (DT_DIR, DT_REG …; DT_UNKNOWN where the file system does not say).
public enum DirectoryEntries {
    public static func list(_ path: String) -> [(name: String, type: UInt8)] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var found: [(name: String, type: UInt8)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { found.append((name, entry.pointee.d_type)) }
        }
        return found
    }
}
