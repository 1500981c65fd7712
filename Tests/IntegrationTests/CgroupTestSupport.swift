import ContainerCore
import Glibc

/// Driving the runtime binary from outside, as conmon or containerd would.
enum CgroupTestSupport {
    /// The binary under test: $RUNTIME_BINARY, else the `runtime` built beside this test
    /// bundle (`swift build --build-tests` builds it). Nothing is built here.
    static let runtimeBinary: String? = {
        if let env = getenv("RUNTIME_BINARY") {
            let path = String(cString: env)
            return access(path, X_OK) == 0 ? path : nil
        }
        guard let exe = readLink("/proc/self/exe") else { return nil }
        let sibling = String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)]) + "/runtime"
        return access(sibling, X_OK) == 0 ? sibling : nil
    }()

    /// The repository, from this file's path (Tests/IntegrationTests/<file>).
    static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static var rootfs: String { repository + "/bundles/hello/rootfs" }

    /// Why the host tests cannot run here, or nil.
    static let missing: String? = {
        if geteuid() != 0 { return "needs root" }
        if runtimeBinary == nil { return "no runtime binary: set RUNTIME_BINARY (scripts/test.sh does)" }
        if access(rootfs + "/bin/busybox", X_OK) != 0 { return "no \(rootfs): run bundles/mkrootfs.sh" }
        return nil
    }()

    static var ready: Bool {
        if let missing { CgroupTestLog.stderr("CgroupLifecycleTests skipped: \(missing)\n") }
        return missing == nil
    }

    static func readLink(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// posix_spawn with stdio on /dev/null: a created container keeps the caller's stdout
    /// open until it exits, so nothing of ours may be handed to it.
    static func spawn(_ argv: [String]) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        return posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ) == 0 ? pid : nil
    }

    /// Exit code, or 128+signal; -1 if it could not be started.
    @discardableResult
    static func wait(_ pid: pid_t?) -> Int32 {
        guard let pid else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    static func run(_ argv: [String]) -> Int32 { wait(spawn(argv)) }

    /// Mount points of every cgroup and cgroup2 hierarchy.
    static func cgroupMounts() -> [String] {
        guard let text = FileIO.readString("/proc/self/mountinfo") else { return [] }
        var mounts: [String] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ").map(String.init)
            guard let dash = f.firstIndex(of: "-"), dash + 1 < f.count, f.count > 4 else { continue }
            if f[dash + 1] == "cgroup" || f[dash + 1] == "cgroup2", !mounts.contains(f[4]) { mounts.append(f[4]) }
        }
        return mounts
    }

    /// Every directory below `root` whose name satisfies `matches`.
    static func directories(under root: String, matching matches: (String) -> Bool) -> [String] {
        var found: [String] = []
        func walk(_ dir: String, depth: Int) {
            guard depth < 32, let d = opendir(dir) else { return }
            defer { closedir(d) }
            while let entry = readdir(d) {
                guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let path = dir + "/" + name
                if matches(name) { found.append(path) }
                walk(path, depth: depth + 1)
            }
        }
        walk(root, depth: 0)
        return found
    }

    /// Live (not zombie) processes for which `matches(pid)` holds.
    static func processes(matching matches: (Int32) -> Bool) -> [Int32] {
        FileIO.listDirectory("/proc").compactMap(Int32.init).filter { pid in
            guard let stat = FileIO.readString("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
            let state = stat[stat.index(after: close)...].split(separator: " ").first
            if state == "Z" || state == "X" { return false }
            return matches(pid)
        }
    }

    /// A one-line description of a process, for failure messages.
    static func describe(_ pid: Int32) -> String {
        let cmd = (FileIO.read("/proc/\(pid)/cmdline") ?? []).split(separator: 0)
            .map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        return "\(pid) [\(cmd)] exe=\(readLink("/proc/\(pid)/exe") ?? "?")"
    }

    static func nowNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func sleepNanos(_ n: Int64) {
        var ts = timespec(tv_sec: Int(n / 1_000_000_000), tv_nsec: Int(n % 1_000_000_000))
        var rest = timespec()
        while nanosleep(&ts, &rest) != 0 && errno == EINTR { ts = rest }
    }
}

/// stderr for the test's own notes (Swift Testing shows them with the run's output).
enum CgroupTestLog {
    static func stderr(_ s: String) {
        var bytes = Array(s.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
