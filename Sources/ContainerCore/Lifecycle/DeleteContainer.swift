import Cgroups
import CShim
import Glibc
import OCISpec

extension ContainerRuntime {
    /// `delete`: a stopped container goes; any other only with `force` (SIGKILL, then wait
    /// until it is gone). runtime.md: "Attempting to delete a container that is not stopped
    /// MUST generate an error" — a created one included (runc deletes those anyway).
    /// Cgroups the runtime made are removed.
    public func delete(id: String, force: Bool = false) throws {
        try StateStore.checkID(id)
        guard force else {
            let lock = try store.lock(id)
            defer { _ = lock }
            try delete(try store.load(id), force: false)
            return
        }
        let lock: StateStore.Lock
        do { lock = try store.lock(id) } catch {
            // Already gone (runc: "delete --force" of a missing container succeeds: shims clean
            // up twice, and parallel deletes all succeed), or its directory was removed under it.
            guard !FileIO.isDirectory(store.directory(id)) else { throw error }
            try removeLeftovers(id: id, damage: nil)
            return
        }
        defer { _ = lock }
        let record: ContainerRecord
        do { record = try store.load(id) } catch {
            try removeLeftovers(id: id, damage: "\(error)")
            return
        }
        try delete(record, force: true)
    }

    func delete(_ record: ContainerRecord, force: Bool) throws {
        let id = record.id
        let status = record.status(in: store)
        if status != .stopped {
            guard force else {
                throw RuntimeError.invalidState(
                    "cannot delete container \"\(id)\" that is not stopped: \(status.rawValue) (delete --force kills it)")
            }
            if status != .creating { try killAndWait(record) }
        }
        // Read before the state dir goes; the digest was checked at load, so this decodes.
        let poststop: [Hook]?
        do { poststop = try record.hooks()?.poststop } catch {
            Warnings.emit("poststop hooks not run: \(error)")
            poststop = nil
        }
        if let handle = record.cgroup {
            let cgroup = Cgroups.open(handle)
            // Stragglers (children of an init that died) would keep the cgroup busy.
            if force { for pid in (try? cgroup.pids()) ?? [] { Glibc.kill(pid, SIGKILL) } }
            try cgroup.destroy()
        }
        store.remove(id)
        if let poststop, !poststop.isEmpty {
            var state = record.ociState(in: store)
            state.status = ContainerStatus.stopped.rawValue
            // runtime.md: poststop failures only warn; every poststop hook runs.
            HookRunner(state: state).runWarningOnFailure(poststop, name: "poststop", place: .runtime)
        }
    }

    /// `delete --force` without a usable state.json (damaged, or its directory removed): what
    /// still belongs to the id is found the way `create` named it (StateSalvage), killed and
    /// removed. What could not be done is reported; damage alone is only a warning.
    func removeLeftovers(id: String, damage: String?) throws {
        let salvage = StateSalvage(store: store, id: id)
        var done: [String] = []
        var failures: [String] = []
        if let pid = salvage.liveInit {
            Glibc.kill(pid, SIGKILL)
            done.append("killed its init \(pid)")
        }
        if let handle = salvage.cgroupHandle(id: id) {
            let cgroup = Cgroups.open(handle)
            if cgroup.isFrozen() { try? cgroup.thaw() }
            let pids = (try? cgroup.pids()) ?? []
            for pid in pids { Glibc.kill(pid, SIGKILL) }
            if !pids.isEmpty { done.append("killed \(pids.count) process(es) in its cgroup") }
            do {
                try cgroup.destroy()
                done.append("removed its cgroup \(handle.directories.first ?? "")")
            } catch { failures.append("\(error)") }
        } else if damage != nil {
            done.append("found no cgroup of it")
        }
        if FileIO.isDirectory(store.directory(id)) {
            store.remove(id)
            if FileIO.exists(store.directory(id)) { failures.append("could not remove \(store.directory(id))") }
        }
        guard damage != nil || !done.isEmpty || !failures.isEmpty else { return }  // simply gone
        let what = damage ?? "its state directory is missing"
        if !failures.isEmpty {
            throw RuntimeError(
                "delete --force \"\(id)\": \(what); " + (done + ["could not: " + failures.joined(separator: "; ")]).joined(separator: "; "))
        }
        Warnings.emit("delete --force \"\(id)\": \(what); " + done.joined(separator: "; "))
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
