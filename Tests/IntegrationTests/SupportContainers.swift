import Cgroups
import Foundation
import Glibc
import OCISpec
import Testing
import TestSupport
@testable import ContainerCore

/// The repository (for bundles/hello and bundles/mkrootfs.sh), found from this file's path.
let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/")
    parts.removeLast(3)  // Tests/IntegrationTests/<file>
    return "/" + parts.joined(separator: "/")
}()

/// Every lifecycle test, one at a time: containers are cheap but the host has few cores.
@Suite(.serialized) struct Lifecycle {}

/// One test's world, all under one temporary directory: a state root (`--root`), a bundle made
/// from bundles/hello/config.json with a rootfs from mkrootfs.sh, and a host directory bound
/// read-write at /out so the container can report back. Every container made through it is
/// deleted with force and reaped when the fixture goes away.
final class ContainerFixture: @unchecked Sendable {
    let dir: String
    let root: String
    let bundle: String
    let out: String
    let runtime: ContainerRuntime
    var spec: Spec
    private(set) var ids: [String] = []
    private var pids: [Int32] = []
    private let lock = NSLock()

    init(args: [String], pidNamespace: Bool = true) throws {
        var template = Array("/tmp/lifecycle-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw RuntimeError.errno("mkdtemp") }
        dir = String(cString: p)
        root = dir + "/state"
        bundle = dir + "/bundle"
        out = dir + "/out"
        for d in [bundle, out] where mkdir(d, 0o755) != 0 { throw RuntimeError.errno("mkdir \(d)") }
        runtime = ContainerRuntime(root: root)

        spec = try SpecLoader.load(bundle: repositoryRoot + "/bundles/hello")
        spec.process?.args = args
        if !pidNamespace { spec.linux?.namespaces?.removeAll { $0.type == "pid" } }
        spec.mounts = (spec.mounts ?? []) + [Mount(destination: "/out", type: "bind", source: out, options: ["rbind", "rw"])]
        try writeSpec()
        try Self.sh([repositoryRoot + "/bundles/mkrootfs.sh", bundle])
    }

    deinit {
        for id in ids { try? runtime.delete(id: id, force: true) }
        // delete killed them; reap what is still our child (a zombie at worst), so no test sees
        // another's leftovers. A pid a test already reaped answers ECHILD at once.
        for pid in pids {
            var status: Int32 = 0
            _ = eventually(within: 2) { waitpid(pid, &status, WNOHANG) != 0 }
        }
        FileIO.removeTree(dir)
    }

    var rootfs: String { bundle + "/rootfs" }

    func writeSpec() throws {
        let data = try JSONEncoder().encode(spec)
        try FileIO.write(bundle + "/config.json", Array(data), flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
    }

    /// A fresh container id, deleted (forced) when the fixture ends.
    func newID(_ label: String = "c") -> String {
        let id = "lc-\(label)-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        lock.lock(); ids.append(id); lock.unlock()
        return id
    }

    @discardableResult
    func create(_ id: String) throws -> ContainerRecord {
        let record = try runtime.create(CreateRequest(id: id, bundle: bundle)).record
        lock.lock(); pids.append(record.pid); lock.unlock()
        return record
    }

    func status(_ id: String) -> String? { try? runtime.state(id: id).status }

    func outFile(_ name: String) -> String? { FileIO.readString(out + "/" + name) }

    /// Runs a host command (no shell), fails on a non-zero exit.
    static func sh(_ argv: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ) == 0 else { throw RuntimeError("spawn \(argv[0]) failed") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw RuntimeError("\(argv.joined(separator: " ")): exit status \(status)") }
    }
}

// MARK: what a container leaves on the host

/// The cgroup directories a container with this id gets (what `create` would make).
func plannedCgroupDirectories(id: String, spec: Spec) throws -> [String] {
    let layout = try CgroupLayout.detect()
    return try Cgroups.manager(cgroupsPath: spec.linux?.cgroupsPath, containerID: id, layout: layout).handle.directories
}

/// Directories named `name` anywhere in the host's cgroup hierarchies (a few levels deep).
func cgroupDirectories(named name: String) -> [String] {
    var found: [String] = []
    func walk(_ path: String, depth: Int) {
        guard depth < 6 else { return }
        for entry in FileIO.listDirectory(path) where FileIO.isDirectory(path + "/" + entry) {
            if entry == name { found.append(path + "/" + entry) }
            walk(path + "/" + entry, depth: depth + 1)
        }
    }
    walk("/sys/fs/cgroup", depth: 0)
    return found
}

struct ChildProcess: Equatable, CustomStringConvertible {
    var pid: Int32
    var state: Character
    var comm: String
    var exe: String?
    var description: String { "\(pid) \(state) \(comm) \(exe ?? "-")" }
}

/// This test process's children, from /proc.
func ourChildren() -> [ChildProcess] {
    let me = getpid()
    var children: [ChildProcess] = []
    for entry in FileIO.listDirectory("/proc") {
        guard let pid = Int32(entry), let text = FileIO.readString("/proc/\(pid)/stat"),
            let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")")
        else { continue }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, Int32(fields[1]) == me, let state = fields[0].first else { continue }
        let comm = String(text[text.index(after: open)..<close])
        children.append(ChildProcess(pid: pid, state: state, comm: comm, exe: readLink("/proc/\(pid)/exe")))
    }
    return children
}

/// Runs `body` with this thread renamed to a unique tag and returns the tag. clone() copies
/// the calling thread's name, so a container init that `body` left behind (alive before its
/// execve, or a zombie) is one of `ourChildren()` with that comm, whatever else runs meanwhile.
func withThreadTag(_ body: () throws -> Void) rethrows -> String {
    let path = "/proc/thread-self/comm"
    let saved = FileIO.readString(path) ?? "worker\n"
    let tag = "lc" + String(UInt32.random(in: 0..<UInt32.max), radix: 36)
    try? FileIO.write(path, tag)
    defer { try? FileIO.write(path, saved) }
    try body()
    return tag
}

func readLink(_ path: String) -> String? {
    var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
    let n = readlink(path, &buf, buf.count - 1)
    guard n >= 0 else { return nil }
    return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func openFDs(of pid: Int32) -> [Int] {
    FileIO.listDirectory("/proc/\(pid)/fd").compactMap { Int($0) }.sorted()
}

// MARK: waiting

/// Runs `body(0..<n)` on n threads at once (real threads: the bodies block in syscalls);
/// false if they did not all finish within `seconds`.
func onThreads(_ n: Int, within seconds: Double = 30, _ body: @escaping @Sendable (Int) -> Void) -> Bool {
    let group = DispatchGroup()
    let gate = DispatchSemaphore(value: 0)
    for i in 0..<n {
        group.enter()
        Thread {
            gate.wait()
            body(i)
            group.leave()
        }.start()
    }
    for _ in 0..<n { gate.signal() }
    return group.wait(timeout: .now() + seconds) == .success
}

final class Results<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Whether two paths (links followed) are the same file: same device and inode.
func sameFile(_ a: String, _ b: String) -> Bool {
    var sa = stat(), sb = stat()
    guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}
