import Glibc

/// Creating and removing cgroup directories, shared by both managers.
enum CgroupDirectories {
    /// mkdir -p `path`, appending every directory made here to `created`
    /// (parents first). Existing directories are left alone and not recorded.
    static func makeAll(_ path: String, created: inout [String]) throws {
        // The usual case, a new leaf under an existing parent: one mkdir, no walk.
        let leaf = cleanPath(path)
        if mkdir(leaf, 0o755) == 0 {
            created.append(leaf)
            return
        }
        if errno == EEXIST && CgroupFile.isDirectory(leaf) { return }
        for dir in missing(path) {
            if mkdir(dir, 0o755) != 0 {
                let err = errno
                if err == EEXIST && CgroupFile.isDirectory(dir) { continue }
                throw CgroupError.sys("creating \(dir)", err)
            }
            created.append(dir)
        }
    }

    /// The directories of `path` that do not exist yet, parents first (what mkdir -p makes).
    static func missing(_ path: String) -> [String] {
        var missing: [String] = []
        var p = cleanPath(path)
        while !CgroupFile.isDirectory(p) {
            missing.append(p)
            let parent = parentPath(p)
            if parent == p { break }
            p = parent
        }
        return missing.reversed()
    }

    /// Removes the directories of `created` deepest first. A container directory
    /// (one of `leaves`) first loses the child cgroups the container made inside it,
    /// and EBUSY is retried while its last processes exit. A parent we created
    /// that is now shared (busy or not empty) is left in place silently.
    static func remove(created: [String], leaves: Set<String>) throws {
        let ordered = created.sorted { depth($0) > depth($1) }
        var failures: [String] = []
        for dir in ordered {
            if leaves.contains(dir) {
                if let e = removeTree(dir) { failures.append(e) }
            } else if rmdir(dir) != 0 {
                let err = errno
                if err != ENOENT && err != EBUSY && err != ENOTEMPTY {
                    failures.append("removing \(dir): \(errnoText(err))")
                }
            }
        }
        if !failures.isEmpty { throw CgroupError(failures.joined(separator: "; ")) }
    }

    /// rmdir `dir` and its child cgroups, children first, retrying EBUSY
    /// (runc's RemovePath: 5 tries, delay doubling from 10ms). Returns an error text.
    static func removeTree(_ dir: String) -> String? {
        // The common case is a leaf cgroup whose processes are gone: one rmdir, no listing.
        if rmdir(dir) == 0 || errno == ENOENT { return nil }
        for child in CgroupFile.subdirectories(dir) {
            if let e = removeTree(dir + "/" + child) { return e }
        }
        var delay: UInt32 = 10_000
        for attempt in 0..<6 {
            if rmdir(dir) == 0 { return nil }
            let err = errno
            if err == ENOENT { return nil }
            if err != EBUSY || attempt == 5 { return "removing \(dir): \(errnoText(err))" }
            usleep(delay)
            delay *= 2
        }
        return nil
    }

    /// Processes in `dir` and every cgroup below it.
    static func processes(under dir: String) throws -> [Int32] {
        var out: [Int32] = []
        var seen = Set<Int32>()
        func walk(_ d: String) throws {
            let text = try CgroupFile.read(d, "cgroup.procs")
            for line in text.split(separator: "\n") {
                if let pid = Int32(String(line).trimmingWhitespace()), seen.insert(pid).inserted {
                    out.append(pid)
                }
            }
            for child in CgroupFile.subdirectories(d) { try walk(d + "/" + child) }
        }
        try walk(dir)
        return out
    }

    /// The number of path components (what `split(separator: "/").count` says), counted over
    /// the bytes: split's arrays of substrings made sorting `created` ~400,000 instructions of
    /// every `delete`.
    static func depth(_ p: String) -> Int {
        var count = 0
        var inComponent = false
        for byte in p.utf8 {
            if byte == UInt8(ascii: "/") {
                inComponent = false
            } else if !inComponent {
                inComponent = true
                count += 1
            }
        }
        return count
    }
}

extension CgroupHandle {
    /// This handle with `created` set to the directories `create()` is about to make (the
    /// ones missing now, parents first). Saved before creating them, it lets a later
    /// `delete --force` clean up after a `create` that was killed half-way.
    public func withPlannedCreations() -> CgroupHandle {
        var copy = self
        var planned: [String] = []
        for dir in directories {
            for m in CgroupDirectories.missing(dir) where !planned.contains(m) { planned.append(m) }
        }
        copy.created = planned
        return copy
    }
}
