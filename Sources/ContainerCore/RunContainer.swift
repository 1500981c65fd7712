import Glibc

/// The container init while `run` waits for it in the foreground; signals go to it.
nonisolated(unsafe) private var foregroundPid: Int32 = 0

extension ContainerRuntime {
    /// `run`: create + start, then (unless detached) wait, forward signals, delete (unless
    /// `keep`: runc's --keep leaves the stopped container for `state` and `delete`), and
    /// return the container's exit code (128+N when killed by signal N).
    public func run(_ request: CreateRequest, detach: Bool, keep: Bool = false) throws -> Int32 {
        var request = request
        request.foregroundTerminal = !detach
        let container = try create(request)
        let pid = container.record.pid
        do {
            try container.terminal?.attach()
            // `run` holds the id from create to delete in one process: no reload of state.json.
            let lock = try store.lock(request.id)
            try start(container.record)
            _ = lock
        } catch {
            try? delete(container.record, force: true)
            throw error
        }
        if detach { return 0 }
        if let relay = container.terminal {
            foregroundPid = pid
            relay.relay(until: pid)
        }
        let code = Self.waitForeground(pid)
        Warnings.debug("run \(request.id): init \(pid) exited (\(code))\(keep ? "; kept" : "; deleting")")
        if !keep, let lock = try? store.lock(request.id) {
            try? delete(container.record, force: true)
            _ = lock
        }
        return code
    }

    /// Wait for our child, forwarding the signals a user sends us (runc's behaviour).
    static func waitForeground(_ pid: Int32) -> Int32 {
        foregroundPid = pid
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH] {
            signal(sig) { s in if foregroundPid > 0 { Glibc.kill(foregroundPid, s) } }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        foregroundPid = 0
        return exitCode(status)
    }

    static func exitCode(_ status: Int32) -> Int32 {
        let sig = status & 0x7f
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig
    }
}
