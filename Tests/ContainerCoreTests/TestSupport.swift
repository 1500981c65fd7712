import Glibc
import Testing
import TestSupport
@testable import ContainerCore

/// A temporary directory, removed (without following symlinks) when released.
final class TempDir {
    let path: String

    init(_ prefix: String = "cctest") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw RuntimeError.errno("mkdtemp") }
        path = String(cString: p)
    }

    deinit { FileIO.removeTree(path) }

    /// mkdir -p of `rel` below the temporary directory; returns the absolute path.
    @discardableResult
    func dir(_ rel: String) throws -> String {
        var p = path
        for part in rel.split(separator: "/") {
            p += "/" + part
            if mkdir(p, 0o755) != 0 && errno != EEXIST { throw RuntimeError.errno("mkdir \(p)") }
        }
        return p
    }

    @discardableResult
    func file(_ rel: String, _ content: String = "") throws -> String {
        let p = path + "/" + rel
        if let slash = rel.lastIndex(of: "/") { try dir(String(rel[..<slash])) }
        try FileIO.write(p, Array(content.utf8), flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
        return p
    }

    /// A symlink at `rel` pointing at `target` (written as is, never resolved).
    func symlink(_ rel: String, to target: String) throws {
        if let slash = rel.lastIndex(of: "/") { try dir(String(rel[..<slash])) }
        guard Glibc.symlink(target, path + "/" + rel) == 0 else { throw RuntimeError.errno("symlink \(rel)") }
    }
}
