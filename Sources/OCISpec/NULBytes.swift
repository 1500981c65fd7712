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
    private static func mayContainNUL(_ data: Data) -> Bool {
        let needle = Array(#"\u0000"#.utf8)
        return data.withUnsafeBytes { raw in
            guard raw.count >= needle.count else { return false }
            for i in 0...(raw.count - needle.count) where raw[i] == needle[0] {
                if (1..<needle.count).allSatisfy({ raw[i + $0] == needle[$0] }) { return true }
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
