import Glibc
import OCISpec

/// Reads and writes of cgroupfs files. The kernel parses each write() on its own,
/// so a value is always handed over in exactly one write() (a multi-line value is
/// split by the caller, one write per line, as runc's WriteFileByLine does).
enum CgroupFile {
    static func write(_ dir: String, _ file: String, _ value: String) throws {
        try write(path: dir + "/" + file, value)
    }

    static func write(path: String, _ value: String) throws {
        let fd = try openForWriting(path: path, value)
        defer { close(fd) }
        try write(fd: fd, path: path, value)
    }

    /// `path` opened for `write(fd:)`; the error names `value`, the first thing to be written.
    static func openForWriting(path: String, _ value: String) throws -> Int32 {
        let fd = retryEINTR { open(path, O_WRONLY | O_TRUNC | O_CLOEXEC) }
        if fd < 0 { throw CgroupError.writing(value, to: path, errno) }
        return fd
    }

    /// One write() of `value`: the kernel takes each write as one setting (or one device rule).
    static func write(fd: Int32, path: String, _ value: String) throws {
        let bytes = Array(value.utf8)
        let n = bytes.withUnsafeBytes { buf in
            retryEINTR { Glibc.write(fd, buf.baseAddress, buf.count) }
        }
        if n < 0 { throw CgroupError.writing(value, to: path, errno) }
        if n != bytes.count {
            throw CgroupError("writing \(quoted(value)) to \(path): short write (\(n) of \(bytes.count) bytes)")
        }
    }

    static func read(_ dir: String, _ file: String) throws -> String {
        try read(path: dir + "/" + file)
    }

    static func read(path: String) throws -> String {
        let fd = retryEINTR { open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { throw CgroupError.sys("reading \(path)", errno) }
        defer { close(fd) }
        // FileBytes reads into an uninitialised buffer: zeroing 8 KB for every small
        // cgroup file cost more than reading it (a create reads ~8).
        do { return String(decoding: try FileBytes.readAll(fd), as: UTF8.self) } catch {
            guard case .errno(let code) = error else { throw CgroupError.sys("reading \(path)", EIO) }
            throw CgroupError.sys("reading \(path)", code)
        }
    }

    /// A file holding one number; "max" reads as UInt64.max (as runc's GetCgroupParamUint).
    static func readUInt(_ dir: String, _ file: String) throws -> UInt64 {
        let text = try read(dir, file).trimmingWhitespace()
        if let v = parseUInt(text) { return v }
        throw CgroupError("reading \(dir)/\(file): cannot parse \(quoted(text)) as a number")
    }

    /// Like readUInt, but a missing file or unparsable value gives nil.
    static func readUIntIfPresent(_ dir: String, _ file: String) -> UInt64? {
        guard let text = try? read(dir, file) else { return nil }
        return parseUInt(text.trimmingWhitespace())
    }

    /// Files of "key value" lines (memory.stat, cpu.stat, memory.events …).
    static func readKeyValues(_ dir: String, _ file: String) throws -> [String: UInt64] {
        parseKeyValues(try read(dir, file))
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Names of every entry of `path` except "." and "..", sorted.
    static func entries(_ path: String) -> [String] {
        scan(path).map(\.name).sorted()
    }

    /// Names of the subdirectories of `path` (child cgroups), sorted.
    static func subdirectories(_ path: String) -> [String] {
        scan(path).filter { entry in
            entry.type == UInt8(DT_DIR) || (entry.type == UInt8(DT_UNKNOWN) && isDirectory(path + "/" + entry.name))
        }.map(\.name).sorted()
    }

    /// readdir(3) of `path`, without "." and "..".
    private static func scan(_ path: String) -> [(name: String, type: UInt8)] { DirectoryEntries.list(path) }
}

func retryEINTR<T: BinaryInteger>(_ body: () -> T) -> T {
    while true {
        let r = body()
        if r < 0 && errno == EINTR { continue }
        return r
    }
}

func parseUInt(_ text: String) -> UInt64? {
    if text == "max" { return UInt64.max }
    return UInt64(text)
}

func parseKeyValues(_ text: String) -> [String: UInt64] {
    var out: [String: UInt64] = [:]
    for line in text.split(separator: "\n") {
        let f = line.split(separator: " ", omittingEmptySubsequences: true)
        guard f.count == 2, let v = parseUInt(String(f[1])) else { continue }
        out[String(f[0])] = v
    }
    return out
}

extension String {
    func trimmingWhitespace() -> String {
        let ws: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !ws($0) }) else { return "" }
        let end = lastIndex(where: { !ws($0) })!
        return String(self[start...end])
    }
}

/// Lexical path cleaning as Go's filepath.Clean: no "." or "..", no double
/// slashes, no trailing slash. ".." at the root of an absolute path stays at the root.
func cleanPath(_ path: String) -> String {
    if NormalPath.isNormal(path) { return path }  // the usual case: a create cleans ~70 paths
    if path.isEmpty { return "." }
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    // Split as bytes, as the kernel reads a path (a String split walks grapheme clusters:
    // ~10x slower, and every create cleans a dozen cgroup paths).
    for bytes in path.utf8.split(separator: UInt8(ascii: "/")) {
        let part = Substring(bytes)
        if part == "." { continue }
        if part == ".." {
            if let last = parts.last, last != ".." {
                parts.removeLast()
            } else if !absolute {
                parts.append(part)
            }
            continue
        }
        parts.append(part)
    }
    let joined = TextJoin.join(parts, separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
}

/// runc's utils.CleanPath: like cleanPath, but a relative path is first anchored
/// at "/" so that "../../etc" cannot climb out of the directory it is joined to.
/// Returns "" for an empty input, a relative path for a relative input.
func safeCgroupPath(_ path: String) -> String {
    if path.isEmpty { return "" }
    if path.hasPrefix("/") { return cleanPath(path) }
    let anchored = cleanPath("/" + path)
    return String(anchored.dropFirst())
}

/// Joins `base` and `rel` (either may be absolute; rel is treated as relative).
func joinPath(_ base: String, _ rel: String) -> String {
    let r = rel.drop(while: { $0 == "/" })
    if r.isEmpty { return cleanPath(base) }
    return cleanPath(base + "/" + String(r))
}

func parentPath(_ path: String) -> String {
    let c = cleanPath(path)
    guard let idx = c.lastIndex(of: "/") else { return "." }
    if idx == c.startIndex { return "/" }
    return String(c[..<idx])
}
