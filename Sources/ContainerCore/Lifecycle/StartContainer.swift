import Glibc

extension ContainerRuntime {
    /// `start`: open the exec fifo for reading, which lets the blocked init go on to execve.
    public func start(id: String) throws {
        let lock = try store.lock(id)
        defer { _ = lock }
        try start(try store.load(id))
    }

    /// With the record already at hand (`run` has it from create) and the lock held or moot.
    func start(_ record: ContainerRecord) throws {
        let id = record.id
        let status = record.status(in: store)
        guard status == .created else { throw RuntimeError.invalidState("cannot start a container in the \(status.rawValue) state") }
        let hooks = try record.hooks()
        if let startHooks = hooks?.startContainer, !startHooks.isEmpty {
            do {
                try HookRunner(state: record.ociState(in: store)).run(
                    startHooks, name: "startContainer", place: .container(record: record, hostPath: false))
            } catch {
                // runtime.md: a failing startContainer hook stops the container from starting.
                try? killAndWait(record)
                throw error
            }
        }
        let notify = try record.notifySocket.map { _ in try NotifySocket.listen(store, id: id) }
        try Self.openExecFifo(store.fifoPath(id), pid: record.pid, startTime: record.startTime)
        unlink(store.fifoPath(id))
        if let notify, let host = record.notifySocket {
            try NotifySocket.relayReady(from: notify, to: host, pid: record.pid, startTime: record.startTime)
        }
        if let poststart = hooks?.poststart, !poststart.isEmpty {
            // config.md: a failing poststart hook is a warning; the rest still run.
            HookRunner(state: record.ociState(in: store)).runWarningOnFailure(poststart, name: "poststart", place: .runtime)
        }
    }

    /// Non-blocking open (the writer may have died), then wait for its byte while it lives,
    /// then for the end of the fifo: the init holds it open until its execve (close-on-exec),
    /// so when this returns the user process has been exec'd (or the init has died).
    static func openExecFifo(_ path: String, pid: Int32, startTime: UInt64) throws {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw RuntimeError.errno("opening \(path)") }
        defer { close(fd) }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var started = false
        while true {
            let r = poll(&pfd, 1, 100)
            if r > 0 {
                var byte: UInt8 = 0
                let n = read(fd, &byte, 1)
                if n == 1 { started = true; continue }
                if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                if started { return }
                throw RuntimeError("container process exited before it could start")
            }
            if r < 0 && errno != EINTR { throw RuntimeError.errno("waiting on \(path)") }
            if !ProcStat.isRunning(pid: pid, startTime: startTime) {
                if started { return }
                throw RuntimeError("container process exited before it could start")
            }
        }
    }
}
