import Cgroups
import Glibc

extension ContainerRuntime {
    /// Host pids of every process in the container's cgroup (and its child cgroups). A stopped
    /// container's cgroup is read too, as runc does: usually empty, so `ps` prints its header.
    public func processes(id: String) throws -> [Int32] {
        let record = try store.load(id)
        let status = record.status(in: store)
        if status == .stopped { return (try? Self.cgroupManager(of: record).pids()) ?? [] }
        guard status != .creating else {
            throw RuntimeError.invalidState("container \"\(id)\" is not running (status: \(status.rawValue))")
        }
        do { return try Self.cgroupManager(of: record).pids() } catch let e as RuntimeError { throw e } catch {
            throw RuntimeError("listing the processes of \"\(id)\": \(error)")
        }
    }

    /// `ps` as runc does it: the host's `ps ARGS` (default `-ef`), keeping the header and the
    /// lines whose PID column names a process of the container. Without a `ps` binary, a
    /// PID/CMD table is built from /proc.
    public func processTable(id: String, psArguments: [String]) throws -> String {
        let pids = Set(try processes(id: id))
        let args = psArguments.isEmpty ? ["-ef"] : psArguments
        guard let output = try ProcessTable.runPS(args) else { return ProcessTable.fromProc(pids) }
        return try ProcessTable.filter(output, pids: pids)
    }
}

enum ProcessTable {
    /// Header line plus the lines whose PID column is in `pids`.
    static func filter(_ output: String, pids: Set<Int32>) throws -> String {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.first,
            let column = header.split(separator: " ").firstIndex(of: "PID")
        else {
            throw RuntimeError("ps: couldn't find PID field in ps output")
        }
        var out = String(header) + "\n"
        for line in lines.dropFirst() where !line.isEmpty {
            let fields = line.split(separator: " ")
            guard column < fields.count, let pid = Int32(fields[column]) else {
                throw RuntimeError("ps: unable to parse pid in \"\(line)\"")
            }
            if pids.contains(pid) { out += line + "\n" }
        }
        return out
    }

    /// PID and command line of each process, for hosts without `ps`.
    static func fromProc(_ pids: Set<Int32>) -> String {
        var rows = [("PID", "CMD")]
        for pid in pids.sorted() {
            var cmd = (FileIO.read("/proc/\(pid)/cmdline") ?? [])
                .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            if cmd.isEmpty, let comm = FileIO.readString("/proc/\(pid)/comm") {
                cmd = "[" + comm.split(separator: "\n").joined() + "]"  // kernel thread or zombie
            }
            rows.append((String(pid), cmd))
        }
        let width = rows.map(\.0.count).max() ?? 3
        return rows.map { String(repeating: " ", count: width - $0.0.count) + $0.0 + " " + $0.1 }
            .joined(separator: "\n") + "\n"
    }

    /// stdout and stderr of `ps args` (found on PATH), nil when there is no `ps`.
    /// Fails, with ps's own words, when ps does not exit 0.
    static func runPS(_ args: [String]) throws -> String? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw RuntimeError.errno("pipe") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        let argv = ["ps"] + args
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "ps", &actions, nil, &cargs, environ)
        close(fds[1])
        defer { close(fds[0]) }
        if rc == ENOENT { return nil }
        guard rc == 0 else { throw RuntimeError.errno("running ps", rc) }

        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: buf[0..<n])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = String(decoding: bytes, as: UTF8.self)
        // posix_spawnp reports a missing binary as exit 127 on glibc.
        if (status & 0x7f) == 0 && (status >> 8) & 0xff == 127 && bytes.isEmpty { return nil }
        guard status == 0 else {
            let how = (status & 0x7f) == 0 ? "exit status \((status >> 8) & 0xff)" : "signal \(status & 0x7f)"
            throw RuntimeError("ps \(args.joined(separator: " ")): \(how): \(output)")
        }
        return output
    }
}
