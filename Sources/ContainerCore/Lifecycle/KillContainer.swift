import Cgroups
import Glibc

extension ContainerRuntime {
    /// `kill`: signal the init (or, with `all`, every process in the container's cgroup).
    /// The init is signalled only while it is the recorded process (pid and start time): a
    /// pid freed by an exited container may already name someone else's process.
    public func kill(id: String, signal: Int32, all: Bool = false) throws {
        let record = try store.load(id)
        let status = record.status(in: store)
        // pid 0 (still creating) must never reach kill(2): it would signal our process group.
        guard record.pid > 0, status != .creating else { throw RuntimeError.invalidState("container \"\(id)\" is still being created") }
        guard status != .stopped || all else { throw RuntimeError.invalidState("container \"\(id)\" is not running") }
        if all, let handle = record.cgroup {
            let manager = Cgroups.open(handle)
            for pid in (try? manager.pids()) ?? [] { Glibc.kill(pid, signal) }
        }
        // `kill --all` of a stopped container without a cgroup on record: nothing is left to signal.
        guard status != .stopped else { return }
        try signalInit(record, signal)
    }

    func signalInit(_ record: ContainerRecord, _ signal: Int32) throws {
        guard ProcStat.isRunning(pid: record.pid, startTime: record.startTime) else {
            throw RuntimeError.invalidState("container \"\(record.id)\" is not running")
        }
        guard Glibc.kill(record.pid, signal) == 0 else { throw RuntimeError.errno("kill \(record.pid)") }
    }
}
