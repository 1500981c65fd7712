import Glibc
import OCISpec

/// Small file helpers over plain syscalls (no Foundation on the start-up path).
public enum FileIO {
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return try? FileBytes.readAll(fd)
    }

    /// A state-directory file (state.json, the stored config): a regular file of at most
    /// SpecLoader.maxFileSize, or nil; a damaged entry (a FIFO, /dev/zero) cannot block
    /// or exhaust memory.
    public static func readRegular(_ path: String) -> [UInt8]? {
        try? SpecLoader.readFileBytes(path, name: path)
    }

    public static func readString(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// One write() of the whole value, as kernel interface files want.
    public static func write(
        _ path: String, _ bytes: some Collection<UInt8>, flags: Int32 = O_WRONLY | O_CLOEXEC | O_TRUNC, mode: mode_t = 0o644
    ) throws {
        let fd = open(path, flags, mode)
        guard fd >= 0 else { throw RuntimeError.errno("opening \(path)") }
        defer { close(fd) }
        let data = Array(bytes)
        let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n != data.count { throw RuntimeError.errno("writing \(path)") }
    }

    public static func write(_ path: String, _ string: String) throws {
        try write(path, Array(string.utf8))
    }

    /// Write to a temporary file, then rename: readers never see half a file. No fsync: state
    /// lives on /run (tmpfs) and is meaningless after a reboot anyway; fsync would cost ms.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw RuntimeError.errno("creating \(tmp)") }
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let ok = n == bytes.count
        let err = Glibc.errno
        close(fd)
        guard ok else { unlink(tmp); throw RuntimeError.errno("writing \(tmp)", err) }
        guard rename(tmp, path) == 0 else { throw RuntimeError.errno("renaming \(tmp)") }
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// rm -rf for the runtime's own state directory (small, no symlinks followed).
    public static func removeTree(_ path: String) {
        if unlink(path) == 0 || Glibc.errno == ENOENT { return }
        for entry in DirectoryEntries.list(path) { removeTree(path + "/" + entry.name) }
        rmdir(path)
    }

    public static func listDirectory(_ path: String) -> [String] {
        DirectoryEntries.list(path).map(\.name).sorted()
    }

    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        guard let cwd = getcwd(nil, 0) else { return normalize("/" + path) }
        defer { free(cwd) }
        return normalize(String(cString: cwd) + "/" + path)
    }

    /// Lexical clean-up: "a/./b/../c" → "/a/c".
    public static func normalize(_ path: String) -> String {
        if NormalPath.isNormal(path) { return path }  // the usual case; split + joined cost ~0.1 ms at start-up
        // Split at every "/" byte, as the kernel does: a Character split would keep a "/"
        // followed by a combining mark inside one component.
        var parts: [String] = []
        for part in TextFields.split(path, at: UInt8(ascii: "/")) {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + TextJoin.join(parts, separator: "/")
    }
}
