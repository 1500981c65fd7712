import Glibc

/// A child of ours that must not outlive a failed step: SIGKILL, then reaped (no zombie).
enum ChildProcess {
    static func killAndReap(_ pid: Int32) {
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
