import CShim
import Glibc

/// Files the runtime itself reads from a container image (/etc/passwd for HOME). The image
/// is untrusted: the file is opened inside the rootfs (RESOLVE_IN_ROOT), without blocking,
/// must be a regular file, and is read up to a bound — a FIFO, /dev/zero or a huge file is
/// an error that names it, never a hang or an unbounded allocation.
enum ImageFile {
    /// Far more than any real passwd or group file.
    static let maxSize = 4 << 20

    /// The file's bytes, or nil when the image has no such file.
    static func read(rootfs: String, _ path: String, maxSize: Int = maxSize) throws -> [UInt8]? {
        let fd = shim_open_in_rootfs(rootfs, path, O_RDONLY | O_NONBLOCK | O_NOCTTY)
        if fd == -ENOENT || fd == -ENOTDIR { return nil }
        guard fd >= 0 else { throw RuntimeError.errno("the image's \(path)", -fd) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw RuntimeError.errno("the image's \(path)") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw RuntimeError("the image's \(path): not a regular file") }
        guard st.st_size <= maxSize else { throw RuntimeError("the image's \(path): larger than \(maxSize) bytes") }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw RuntimeError.errno("reading the image's \(path)") }
            if n == 0 { return out }
            // The size may grow under us: the bound holds for what is read too.
            guard out.count + n <= maxSize else { throw RuntimeError("the image's \(path): larger than \(maxSize) bytes") }
            out.append(contentsOf: buf[0..<n])
        }
    }
}
