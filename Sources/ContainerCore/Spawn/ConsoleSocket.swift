import Glibc

/// `--console-socket`: the caller (conmon, containerd-shim) listens on a unix socket and
/// receives the pty master from the container's own devpts.
enum ConsoleSocket {
    static func connectIfNeeded(terminal: Bool, path: String?) throws -> Int32? {
        guard terminal else {
            if path != nil { throw RuntimeError("--console-socket: only valid when process.terminal is true") }
            return nil
        }
        guard let path else {
            throw RuntimeError("process.terminal is true: --console-socket is required (a detached container has no terminal to relay)")
        }
        return try connect(path: path, what: "--console-socket")
    }

    /// A connected SOCK_STREAM unix socket (also used for the seccomp agent).
    static func connect(path: String, what: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw RuntimeError.errno("\(what): socket") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd); throw RuntimeError("\(what): path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (i, b) in bytes.enumerated() { buf[i] = b }
        }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard r == 0 else { let e = errno; close(fd); throw RuntimeError.errno("\(what): connecting to \(path)", e) }
        return fd
    }
}
