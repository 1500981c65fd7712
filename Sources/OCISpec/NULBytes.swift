import Glibc

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every string of a config may reach C (execve's argv and envp, paths, mount data,
/// sysctl writes, hook arguments), where a NUL byte would silently cut it. JSON can
/// only carry one as the escape `\u0000`, so the bytes are scanned for that first (free
/// for every real config); only then is the document walked to name the JSON path.
/// This covers every field of every file (config, `exec --process`, `update
/// --resources`), including fields added to the model later.
enum NULBytes {
    static func check(_ data: Data, file: String) throws(SpecError) {
        guard mayContainNUL(data), let value = try? JSONParser.parse(data),
            let found = firstNUL(in: value, at: JSONPath())
        else { return }
        throw SpecError(
            file: file, path: found.path.description,
            message: found.inKey ? "key must not contain a NUL byte" : "must not contain a NUL byte")
    }

    /// Whether `\u0000` occurs at all (it may be an escaped backslash: the walk decides).
    /// Backslashes are rare in a config: memchr jumps between them (a 1 MB config costs
    /// microseconds, where a byte loop cost half a millisecond).
    private static func mayContainNUL(_ data: Data) -> Bool {
        let tail = Array("u0000".utf8)
        return data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > tail.count else { return false }
            var at = 0
            let last = raw.count - tail.count  // a backslash from here on has no room for "u0000"
            while at < last, let hit = memchr(base + at, 0x5C, last - at) {
                let i = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + i + 1, tail, tail.count) == 0 { return true }
                at = i + 1
            }
            return false
        }
    }

    /// The first string or key holding a NUL, objects in key order.
    private static func firstNUL(in value: JSONValue, at path: JSONPath) -> (path: JSONPath, inKey: Bool)? {
        switch value {
        case .string(let string):
            return string.utf8.contains(0) ? (path, false) : nil
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let found = firstNUL(in: item, at: path.index(i)) { return found }
            }
        case .object(let members):
            for key in members.keys.sorted() {
                if key.utf8.contains(0) { return (path.key(key), true) }
                if let found = firstNUL(in: members[key]!, at: path.key(key)) { return found }
            }
        default:
            break
        }
        return nil
    }
}
