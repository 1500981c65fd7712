import CShim
import Glibc
import OCISpec

/// sd_notify pass-through, as runc does: when the runtime runs with NOTIFY_SOCKET (a systemd
/// unit of Type=notify), the container gets a socket of its own at /run/notify/notify.sock;
/// `start` listens on it and relays READY=1 (with the container's MAINPID) to the host's socket.
enum NotifySocket {
    static let containerDirectory = "/run/notify"
    static let socketName = "notify.sock"

    /// The host's socket, when the caller asked for notification.
    static var hostSocket: String? {
        guard let raw = getenv("NOTIFY_SOCKET"), raw.pointee != 0 else { return nil }
        return String(cString: raw)
    }

    static func stateDirectory(_ store: StateStore, id: String) -> String { store.directory(id) + "/notify" }

    /// The spec as the container sees it: the notify directory mounted, NOTIFY_SOCKET pointing there.
    static func prepare(_ spec: Spec, store: StateStore, id: String) throws -> Spec {
        let dir = stateDirectory(store, id: id)
        guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { throw RuntimeError.errno("creating \(dir)") }
        var spec = spec
        spec.mounts =
            (spec.mounts ?? []) + [
                Mount(
                    destination: containerDirectory, type: "bind", source: dir,
                    options: ["rbind", "nosuid", "nodev", "noexec"])
            ]
        var env = spec.process?.env ?? []
        env.removeAll { $0.hasPrefix("NOTIFY_SOCKET=") }
        env.append("NOTIFY_SOCKET=\(containerDirectory)/\(socketName)")
        spec.process?.env = env
        return spec
    }

    /// Bound before the container is released, so no message can be lost.
    static func listen(_ store: StateStore, id: String) throws -> Int32 {
        let path = stateDirectory(store, id: id) + "/" + socketName
        unlink(path)
        let fd = shim_unix_dgram_bind(path)
        guard fd >= 0 else { throw RuntimeError.errno("binding \(path)", -fd) }
        chmod(path, 0o777)  // the container's user may not be root
        return fd
    }

    /// Wait for READY=1 while the container lives, then tell the host.
    static func relayReady(from fd: Int32, to host: String, pid: Int32, startTime: UInt64) throws {
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 4096)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while ProcStat.isRunning(pid: pid, startTime: startTime) {
            guard poll(&pfd, 1, 200) > 0 else { continue }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            let message = String(decoding: buf[0..<n], as: UTF8.self)
            guard message.split(separator: "\n").contains("READY=1") else { continue }
            let reply = "READY=1"  // as runc relays it
            let r = shim_unix_dgram_send(host, reply, reply.utf8.count)
            guard r == 0 else { throw RuntimeError.errno("notifying \(host)", -r) }
            return
        }
    }
}
