import CShim
import Glibc
import OCISpec

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
        do { return try FileBytes.readRegular(fd, limit: maxSize) } catch {
            switch error {
            case .tooLarge: throw RuntimeError("the image's \(path): larger than \(maxSize) bytes")
            case .notRegular: throw RuntimeError("the image's \(path): not a regular file")
            case .errno(let err): throw RuntimeError.errno("reading the image's \(path)", err)
            }
        }
    }
}
