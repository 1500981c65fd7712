import Cgroups
import Glibc

extension ContainerRuntime {
    /// `kill`: signal the init (or, with `all`, every process in the container's cgroup).
    public func kill(id: String, signal: Int32, all: Bool = false) throws {
        let record = try store.load(id)
        let status = record.status(in: store)
        // pid 0 (still creating) must never reach kill(2): it would signal our process group.
        guard record.pid > 0, status != .creating else { throw RuntimeError("container \"\(id)\" is still being created") }
        guard status != .stopped || all else { throw RuntimeError("container \"\(id)\" is not running") }
        if all, let handle = record.cgroup {
            let manager = Cgroups.open(handle)
            for pid in (try? manager.pids()) ?? [] { Glibc.kill(pid, signal) }
            if status != .stopped { _ = Glibc.kill(record.pid, signal) }
            return
        }
        guard Glibc.kill(record.pid, signal) == 0 else { throw RuntimeError.errno("kill \(record.pid)") }
    }
}
