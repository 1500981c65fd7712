import Cgroups
import CShim
import Glibc

extension ContainerRuntime {
    /// `delete`: a created or stopped container goes; a running one only with `force`
    /// (SIGKILL, then wait until it is gone). Cgroups the runtime made are removed.
    public func delete(id: String, force: Bool = false) throws {
        // runc: `delete --force` of a container that is already gone succeeds (shims clean up
        // twice); the id must still be a valid one.
        if force && !FileIO.isDirectory(store.directory(id)) {
            try StateStore.checkID(id)
            if !FileIO.isDirectory(store.directory(id)) { return }
        }
        let lock = try store.lock(id)
        defer { _ = lock }
        let record: ContainerRecord
        do { record = try store.load(id) } catch {
            // A create killed before its first state.json left only a directory behind.
            guard force else { throw error }
            store.remove(id)
            return
        }
        try delete(record, force: force)
    }

    func delete(_ record: ContainerRecord, force: Bool) throws {
        let id = record.id
        let status = record.status(in: store)
        switch status {
        case .running, .paused:
            guard force else { throw RuntimeError("cannot delete container \"\(id)\" that is not stopped: \(status.rawValue)") }
            try killAndWait(record)
        case .created:
            try killAndWait(record)
        case .creating, .stopped:
            break
        }
        let poststopHooks = record.hooks?.poststop   // read before the state dir goes
        if let handle = record.cgroup {
            let cgroup = Cgroups.open(handle)
            // Stragglers (children of an init that died) would keep the cgroup busy.
            if force || status == .created { for pid in (try? cgroup.pids()) ?? [] { Glibc.kill(pid, SIGKILL) } }
            try cgroup.destroy()
        }
        store.remove(id)
        if let poststop = poststopHooks, !poststop.isEmpty {
            var state = record.ociState(in: store)
            state.status = ContainerStatus.stopped.rawValue
            do { try HookRunner(state: state).run(poststop, name: "poststop", place: .runtime) }
            catch { Warnings.emit("\(error)") }   // runtime.md: poststop failures only warn
        }
    }

    func killAndWait(_ record: ContainerRecord) throws {
        // A frozen process cannot die: thaw first (SIGKILL stays pending until then).
        if let handle = record.cgroup {
            let cgroup = Cgroups.open(handle)
            if cgroup.isFrozen() { try? cgroup.thaw() }
        }
        let pidfd = shim_pidfd_open(record.pid)
        guard ProcStat.isRunning(pid: record.pid, startTime: record.startTime) else { if pidfd >= 0 { close(pidfd) }; return }
        Glibc.kill(record.pid, SIGKILL)
        guard pidfd >= 0 else { return }
        defer { close(pidfd) }
        // A pidfd turns readable when the process has exited (zombie or reaped).
        var pfd = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        for _ in 0..<100 where poll(&pfd, 1, 100) == 0 {}
    }
}
