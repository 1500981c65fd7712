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
        // A signal that arrives while the container is being set up must neither kill us
        // half-way (leaving it behind) nor be lost: it waits, blocked, until the container
        // runs and is then forwarded to it. The container's own mask is reset by the shim.
        let held = HeldSignals()
        let container: SpawnedContainer
        do { container = try create(request) } catch { held.discard(); throw error }
        let pid = container.record.pid
        var stopped: Int32?
        do {
            // Told to stop before the container started: tear it down, nothing is left.
            stopped = held.pendingStop()
            if stopped == nil {
                try container.terminal?.attach()
                // `run` holds the id from create to delete in one process: no reload of state.json.
                let lock = try store.lock(request.id)
                try start(container.record)
                _ = lock
                stopped = held.pendingStop()
            }
        } catch {
            try? delete(container.record, force: true)
            held.discard()
            throw error
        }
        if let stopped {
            // …or while it was starting, before its program could handle anything.
            try? delete(container.record, force: true)
            held.discard()
            return 128 + stopped
        }
        foregroundPid = pid
        held.release()
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

    /// The signals a user sends `run` or `exec` in the foreground go to the container's process.
    static let forwardedSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]

    static func forwardSignals(to pid: Int32) {
        foregroundPid = pid
        for sig in forwardedSignals {
            signal(sig) { s in if foregroundPid > 0 { Glibc.kill(foregroundPid, s) } }
        }
    }

    /// Wait for our child, forwarding the signals a user sends us (runc's behaviour).
    static func waitForeground(_ pid: Int32) -> Int32 {
        forwardSignals(to: pid)
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

/// The forwarded signals, blocked from `run`'s first step until the container runs.
struct HeldSignals {
    private var previous = sigset_t()
    private var held = sigset_t()

    /// The forwarding handlers go in at once, replacing an inherited SIG_IGN (an ignored
    /// signal would be dropped, not held): a caller's SIGINT must reach the container.
    init() {
        sigemptyset(&held)
        for sig in ContainerRuntime.forwardedSignals { sigaddset(&held, sig) }
        sigprocmask(SIG_BLOCK, &held, &previous)
        ContainerRuntime.forwardSignals(to: 0)
    }

    /// Delivers what arrived meanwhile to the handlers (which forward it once the container's
    /// pid is set).
    func release() {
        var mask = previous
        sigprocmask(SIG_SETMASK, &mask, nil)
    }

    /// A signal that asks `run` to stop (TERM, INT, HUP, QUIT) and is waiting, if any.
    func pendingStop() -> Int32? {
        var pending = sigset_t()
        sigpending(&pending)
        return [SIGTERM, SIGINT, SIGHUP, SIGQUIT].first { sigismember(&pending, $0) == 1 }
    }

    /// The run failed and everything is undone: what arrived meanwhile is dropped, so that
    /// the error is still reported (and the exit code is ours).
    func discard() {
        var pending = sigset_t()
        sigpending(&pending)
        var wanted = held
        for sig in ContainerRuntime.forwardedSignals where sigismember(&pending, sig) == 1 {
            var got: Int32 = 0
            sigwait(&wanted, &got)
        }
        release()
    }
}
