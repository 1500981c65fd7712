import Glibc
@testable import ContainerCore

/// A host and image made of a dictionary: planner tests without temporary directories.
struct FakeHost: PlannerHost {
    enum Entry: Sendable { case directory, file(String), symlink(String) }
    var entries: [String: Entry]

    func symlinkTarget(_ path: String) -> String? {
        if case .symlink(let target)? = entries[path] { return target }
        return nil
    }

    func fileType(_ path: String) -> mode_t? {
        switch entries[path] {
        case .directory?: return S_IFDIR
        case .file?: return S_IFREG
        case .symlink?: return S_IFLNK
        case nil: return path == "/" ? S_IFDIR : nil
        }
    }

    /// Every component's symlinks followed (absolute targets from the host's root).
    func realPath(_ path: String) -> String? {
        var resolved: [Substring] = []
        var pending = Array(path.split(separator: "/").reversed())
        var hops = 0
        while let part = pending.popLast() {
            let candidate = "/" + (resolved + [part]).joined(separator: "/")
            if let target = symlinkTarget(candidate), hops < 40 {
                hops += 1
                if target.hasPrefix("/") { resolved = [] }
                pending.append(contentsOf: target.split(separator: "/").reversed())
            } else {
                guard fileType(candidate) != nil else { return nil }
                resolved.append(part)
            }
        }
        return "/" + resolved.joined(separator: "/")
    }

    func imageFile(rootfs: String, _ path: String) throws -> [UInt8]? {
        let inside = try SecureJoin.resolve(rootfs: rootfs, path, host: self)
        guard case .file(let text)? = entries[inside] else { return nil }
        return Array(text.utf8)
    }

    func hostFile(_ path: String) -> String? {
        if case .file(let text)? = entries[path] { return text }
        return nil
    }
}
