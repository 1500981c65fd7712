import Glibc
import Testing
@testable import Cgroups

/// A child process for the host tests; killed and reaped by `stop()`.
final class Child {
    let pid: pid_t
    /// Write end of the child's stdin, when it was spawned with one.
    let stdinFD: Int32?
    private var reaped = false
    private(set) var status: Int32 = 0

    /// posix_spawn `argv` with stdout/stderr on /dev/null; with `pipeStdin` the
    /// child's stdin is a pipe we hold (so it can wait for "go" with `read`).
    init(_ argv: [String], pipeStdin: Bool = false) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var fds: [Int32] = [-1, -1]
        if pipeStdin {
            guard pipe(&fds) == 0 else { throw CgroupError.sys("pipe", errno) }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var p: pid_t = 0
        let rc = posix_spawn(&p, argv[0], &actions, nil, &cargs, environ)
        if pipeStdin { close(fds[0]) }
        guard rc == 0 else {
            if pipeStdin { close(fds[1]) }
            throw CgroupError.sys("posix_spawn \(argv[0])", rc)
        }
        pid = p
        stdinFD = pipeStdin ? fds[1] : nil
    }

    /// Lets a child blocked in `read` go on.
    func go() {
        guard let fd = stdinFD else { return }
        _ = "go\n".withCString { Glibc.write(fd, $0, 3) }
    }

    /// Waits for exit (up to `seconds`), returns the exit code, or nil on timeout / signal.
    func waitExit(seconds: Double = 10) -> Int32? {
        let deadline = Double(seconds) * 100
        var i = 0.0
        while i < deadline {
            var st: Int32 = 0
            let r = waitpid(pid, &st, WNOHANG)
            if r == pid {
                reaped = true
                status = st
                return (st & 0x7f) == 0 ? (st >> 8) & 0xff : nil
            }
            usleep(10_000)
            i += 1
        }
        return nil
    }

    var wasKilled: Bool { reaped && (status & 0x7f) != 0 }

    func stop() {
        if let fd = stdinFD { close(fd) }
        if !reaped {
            kill(pid, SIGKILL)
            var st: Int32 = 0
            waitpid(pid, &st, 0)
            reaped = true
        }
    }

    deinit { stop() }
}

/// A unique name for this test run.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
}

/// "State:" of /proc/<pid>/status, e.g. "S (sleeping)".
func processState(_ pid: pid_t) -> String {
    let text = (try? CgroupFile.read(path: "/proc/\(pid)/status")) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix("State:") {
        return String(line.dropFirst("State:".count)).trimmingWhitespace()
    }
    return ""
}

func read(_ path: String) -> String {
    ((try? CgroupFile.read(path: path)) ?? "<unreadable>").trimmingWhitespace()
}

func isDir(_ path: String) -> Bool { CgroupFile.isDirectory(path) }

/// A temporary directory tree, removed (recursively) at the end.
final class TempTree {
    let root: String

    init() throws {
        var template = Array("/tmp/cgtest-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw CgroupError.sys("mkdtemp", errno) }
        root = String(cString: p)
    }

    /// Creates `rel` (and its parents) with `files` name → content.
    @discardableResult
    func dir(_ rel: String, _ files: [String: String] = [:]) throws -> String {
        let path = rel.isEmpty ? root : root + "/" + rel
        var created: [String] = []
        try CgroupDirectories.makeAll(path, created: &created)
        for (name, content) in files { try put(path + "/" + name, content) }
        return path
    }

    func put(_ path: String, _ content: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CgroupError.sys("creating \(path)", errno) }
        defer { close(fd) }
        _ = content.withCString { Glibc.write(fd, $0, strlen($0)) }
    }

    deinit { removeAll(root) }

    private func removeAll(_ path: String) {
        for name in CgroupFile.entries(path) {
            let p = path + "/" + name
            if CgroupFile.isDirectory(p) { removeAll(p) } else { unlink(p) }
        }
        rmdir(path)
    }
}
