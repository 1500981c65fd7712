import Glibc

/// The run-time resources of one spawn, kept apart from the `LaunchPlan` (which is decided
/// once by the planner and never patched): fds and paths that exist only while the container
/// process is being started. Fds given with `owned: true` are closed when this goes away.
final class LaunchHandles {
    /// A connected --console-socket (or our relay's end): the child sends the pty master.
    private(set) var consoleSocketFD: Int32 = -1
    /// A cgroup2 directory: clone3(CLONE_INTO_CGROUP) places the init there at birth.
    private(set) var cgroup2FD: Int32 = -1
    /// v1 `tasks` files the child writes "0" to itself.
    private(set) var cgroupTasksFiles: [String] = []
    /// Detached trees (idmapped, or bind sources opened before a user namespace), by the
    /// index of their mount in the plan.
    private(set) var mountTrees: [Int: Int32] = [:]
    /// A binary opened in the runtime's namespace (createContainer hooks): execveat'd.
    private(set) var execFD: Int32 = -1
    /// The exec fifo itself (O_PATH): the init blocks on it until `start`.
    private(set) var execFifoFD: Int32 = -1

    private var owned: [Int32] = []

    deinit { owned.forEach { close($0) } }

    private func adopt(_ fd: Int32, owned isOwned: Bool) -> Int32 {
        if isOwned && fd >= 0 { owned.append(fd) }
        return fd
    }

    func setConsoleSocket(_ fd: Int32, owned: Bool) { consoleSocketFD = adopt(fd, owned: owned) }
    func setCgroupPlacement(cgroup2FD fd: Int32, tasksFiles: [String]) {
        cgroup2FD = fd
        cgroupTasksFiles = tasksFiles
    }
    func setMountTree(_ fd: Int32, forMount index: Int) { mountTrees[index] = adopt(fd, owned: true) }
    func setExecFD(_ fd: Int32) { execFD = adopt(fd, owned: true) }
    func setExecFifo(_ fd: Int32) { execFifoFD = adopt(fd, owned: true) }
}
