import Glibc

/// The one loop that reads a file descriptor to its end, with an optional bound: config
/// files, state files, files of an image and small kernel files all go through it.
public enum FileBytes {
    public enum Failure: Error, Equatable {
        case errno(Int32)
        case tooLarge(Int)
        case notRegular
    }

    /// An open file that must be a regular file of at most `limit` bytes. It is checked with
    /// fstat before anything is read, so a FIFO, a device or a directory is refused unread.
    public static func readRegular(_ fd: Int32, limit: Int) throws(Failure) -> [UInt8] {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .errno(errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegular }
        guard info.st_size <= limit else { throw .tooLarge(limit) }
        // Straight into a buffer of the size fstat gave (a 1 MB config is then copied once,
        // not regrown chunk by chunk); one byte more tells whether the file grew since.
        let capacity = Int(info.st_size) + 1
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            prefault(buffer)
            while count < capacity {
                let n = read(fd, buffer.baseAddress! + count, capacity - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = errno }
                if n <= 0 { return }
                count += n
            }
        }
        if failure != 0 { throw .errno(failure) }
        if bytes.count < capacity { return bytes }
        // The size may grow after fstat: the bound holds for what is read too, and the error
        // names the file's bound, not what was left of it.
        do { bytes += try readAll(fd, limit: limit - bytes.count) } catch {
            if case .tooLarge = error { throw .tooLarge(limit) }
            throw error
        }
        return bytes
    }

    /// A large buffer is fresh memory from mmap: read() would fault its pages in one by one
    /// (~1.5 µs each here, 0.4 ms per MB). MADV_POPULATE_WRITE (Linux 5.14) maps them in one
    /// call; on an older kernel it fails and the pages fault in as before.
    private static func prefault(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        let page = 4096
        guard buffer.count >= 64 * page, let base = buffer.baseAddress else { return }
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(page - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_POPULATE_WRITE)
    }

    /// Everything `fd` has left to read; more than `limit` bytes (the size may grow while we
    /// read) is `.tooLarge`. Read a page at a time into an uninitialised buffer: a zero-filled
    /// 64 KiB buffer for a 200-byte /proc file cost 16 page faults and a memset on every read.
    public static func readAll(_ fd: Int32, limit: Int? = nil) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        let size = 4096
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let count = read(fd, chunk.baseAddress, size)
            if count < 0 {
                if errno == EINTR { continue }
                throw .errno(errno)
            }
            if count == 0 { return bytes }
            if let limit, bytes.count + count > limit { throw .tooLarge(limit) }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }
}
