import Cgroups
import CShim
import Glibc

/// How the container's init gets into its cgroups without paying for a migration: born in
/// the cgroup2 directory (clone3 CLONE_INTO_CGROUP), and moving itself — one thread, "0" to
/// `tasks` — into each v1 hierarchy, which skips the kernel's global threadgroup lock and its
/// RCU grace period (~10 ms per `cgroup.procs` write on this kind of host).
final class CgroupPlacement {
    let cgroup2FD: Int32
    let tasksFiles: [String]

    init(_ handle: CgroupHandle) {
        let v2 = handle.paths[""]
        cgroup2FD = v2.map { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } ?? -1
        tasksFiles = handle.directories.filter { $0 != v2 }.map { $0 + "/tasks" }
    }

    deinit { if cgroup2FD >= 0 { close(cgroup2FD) } }
}
