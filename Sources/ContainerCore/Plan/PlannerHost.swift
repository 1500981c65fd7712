import Glibc

/// Everything the planner reads from the host, behind one seam: planning is a function of
/// (spec, options, host view). The live view is the real file system; tests give a fake one
/// and need no temporary directories.
protocol PlannerHost: Sendable {
    /// The target of the symlink at `path` (readlink), or nil: not a symlink, or missing.
    func symlinkTarget(_ path: String) -> String?
    /// The type bits of `path` without following a final symlink (S_IFDIR, S_IFLNK …), or nil.
    func fileType(_ path: String) -> mode_t?
    /// `path` with every symlink resolved (realpath), or nil.
    func realPath(_ path: String) -> String?
    /// A file of the container's image, opened inside `rootfs` with a size bound (ImageFile);
    /// nil when the image has none.
    func imageFile(rootfs: String, _ path: String) throws -> [UInt8]?
    /// A small file of the host (/sys, /proc), or nil.
    func hostFile(_ path: String) -> String?
}

extension PlannerHost {
    func exists(_ path: String) -> Bool { fileType(path) != nil }
    func isDirectory(_ path: String) -> Bool {
        // Directories reached through a symlink count (a bind source may be one).
        (realPath(path).flatMap { fileType($0) } ?? fileType(path)) == S_IFDIR
    }
}

/// The real host.
struct LiveHost: PlannerHost {
    func symlinkTarget(_ path: String) -> String? {
        // Uninitialised: a create asks ~20 times, and zeroing 4 KB each time cost more than the readlinks.
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(PATH_MAX)) { buf -> String? in
            let n = readlink(path, buf.baseAddress!, buf.count)
            guard n >= 0 else { return nil }
            return String(decoding: UnsafeRawBufferPointer(start: buf.baseAddress, count: n), as: UTF8.self)
        }
    }

    func fileType(_ path: String) -> mode_t? {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : nil
    }

    func realPath(_ path: String) -> String? {
        realpath(path, nil).map { p in
            defer { free(p) }
            return String(cString: p)
        }
    }

    func imageFile(rootfs: String, _ path: String) throws -> [UInt8]? { try ImageFile.read(rootfs: rootfs, path) }

    func hostFile(_ path: String) -> String? { FileIO.readString(path) }
}

/// One plan's view of the host: each readlink is asked once. Resolving /dev/null, /dev/zero
/// … inside the rootfs asks about rootfs/dev every time; nothing changes the files while
/// a plan is made (the planner only reads).
final class RememberingHost: PlannerHost, @unchecked Sendable {
    private let host: any PlannerHost
    private var targets: [String: String?] = [:]

    init(_ host: any PlannerHost) { self.host = host }

    func symlinkTarget(_ path: String) -> String? {
        if let known = targets[path] { return known }
        let target = host.symlinkTarget(path)
        targets[path] = .some(target)
        return target
    }

    func fileType(_ path: String) -> mode_t? { host.fileType(path) }
    func realPath(_ path: String) -> String? { host.realPath(path) }
    func imageFile(rootfs: String, _ path: String) throws -> [UInt8]? { try host.imageFile(rootfs: rootfs, path) }
    func hostFile(_ path: String) -> String? { host.hostFile(path) }
}
