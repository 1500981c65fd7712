@testable import ContainerCore
import Glibc
import OCISpec
import Testing
import TestSupport

/// runtime.md "delete": the resources created by `create` are removed. The leak test from
/// the issue: many create/start/kill/delete cycles of every kind, some `create`s killed with
/// SIGKILL half-way, then `delete --force` of every id — after which nothing may be left: no
/// cgroup directory in any hierarchy, no state directory, no container process.
@Suite(.serialized) struct CgroupLifecycleTests {
    enum Cycle: CaseIterable {
        case createDelete  // created → delete --force
        case createStartDelete  // running → delete --force
        case createKillDelete  // created, init killed → stopped → delete
        case shortLived  // start /bin/true → stopped → delete
        case detachedKill  // run -d, kill -9 → stopped → delete
        case foreground  // run /bin/true: run deletes it itself
        case pausedForce  // run -d, pause → delete --force
        case killedCreate  // create SIGKILLed after a random delay; cleaned up at the end
    }

    @Test(
        .enabled(if: CgroupTestSupport.ready, "needs root, the runtime binary (RUNTIME_BINARY) and bundles/hello/rootfs"),
        .timeLimit(.minutes(3)))
    func noLeaksAfterMixedCyclesAndKilledCreates() throws {
        let fixture = try CgroupLeakFixture()
        defer { fixture.cleanUp() }
        var rng = SplitMix64(seed: fixture.seed)
        CgroupTestLog.stderr("leak test: seed \(fixture.seed) (CGLEAK_SEED=\(fixture.seed) replays it), tag \(fixture.tag)\n")

        let started = CgroupTestSupport.nowNanos()
        var createNanos: Int64 = 20_000_000  // running average of a full `create`, for the kill delays
        var failures: [String] = []
        var killedCreates = 0
        for n in 0..<200 {
            let id = fixture.prefix + String(n)
            fixture.ids.append(id)
            // A quarter of the cycles kill a `create`; the rest spread over the other kinds.
            let cycle: Cycle =
                rng.next() % 4 == 0
                ? .killedCreate
                : Cycle.allCases.filter { $0 != .killedCreate }.randomElement(using: &rng)!
            // Half the containers at an absolute cgroupsPath (below a parent the first one
            // makes), half at the default (the id, below the runtime's own cgroup).
            let sleeper = try fixture.makeBundle(
                id, args: ["/bin/sleep", "30"],
                cgroupsPath: Bool.random(using: &rng) ? "/\(fixture.parentCgroup)/\(id)" : nil)
            func step(_ args: [String]) {
                let rc = fixture.runtime(args)
                if rc != 0 { failures.append("cycle \(n) \(cycle): `\(args.joined(separator: " "))` exited \(rc)") }
            }
            switch cycle {
            case .createDelete:
                let t0 = CgroupTestSupport.nowNanos()
                step(["create", "--bundle", sleeper, id])
                createNanos = (createNanos * 3 + (CgroupTestSupport.nowNanos() - t0)) / 4
                step(["delete", "--force", id])
            case .createStartDelete:
                step(["create", "--bundle", sleeper, id])
                step(["start", id])
                step(["delete", "--force", id])
            case .createKillDelete:
                step(["create", "--bundle", sleeper, id])
                step(["kill", id, "KILL"])
                if !fixture.deleteWhenStopped(id) { failures.append("cycle \(n) \(cycle): delete kept failing") }
            case .shortLived:
                step(["create", "--bundle", fixture.trueBundle, id])
                step(["start", id])
                if !fixture.deleteWhenStopped(id) { failures.append("cycle \(n) \(cycle): delete kept failing") }
            case .detachedKill:
                step(["run", "--detach", "--bundle", sleeper, id])
                step(["kill", id, "KILL"])
                if !fixture.deleteWhenStopped(id) { failures.append("cycle \(n) \(cycle): delete kept failing") }
            case .foreground:
                step(["run", "--bundle", fixture.trueBundle, id])
            case .pausedForce:
                step(["run", "--detach", "--bundle", sleeper, id])
                step(["pause", id])
                step(["delete", "--force", id])
            case .killedCreate:
                killedCreates += 1
                let delay = Int64(rng.next() % UInt64(max(createNanos * 13 / 10, 1)))
                let pid = CgroupTestSupport.spawn(fixture.command(["create", "--bundle", sleeper, id]))
                CgroupTestSupport.sleepNanos(delay)
                if let pid { kill(pid, SIGKILL) }
                CgroupTestSupport.wait(pid)
            }
        }
        // What the killed creates left for `delete --force` (logged: shows the kills landed mid-way).
        let pendingState = FileIO.listDirectory(fixture.stateRoot).count
        let pendingCgroups = CgroupTestSupport.cgroupMounts().reduce(0) { n, mount in
            n + CgroupTestSupport.directories(under: mount) { $0.hasPrefix(fixture.prefix) }.count
        }
        CgroupTestLog.stderr("leak test: before the final delete --force: \(pendingState) state dirs, \(pendingCgroups) cgroup dirs\n")
        // What callers do after a crash: delete --force every id they ever used.
        for id in fixture.ids { _ = fixture.runtime(["delete", "--force", id]) }
        let elapsed = Double(CgroupTestSupport.nowNanos() - started) / 1e9
        CgroupTestLog.stderr("leak test: 200 cycles (\(killedCreates) killed creates) + cleanup in \(elapsed) s\n")

        #expect(failures.isEmpty, "runtime calls that failed: \(failures.prefix(10))")

        let stateLeft = FileIO.listDirectory(fixture.stateRoot)
        #expect(stateLeft.isEmpty, "state directories left in \(fixture.stateRoot): \(stateLeft)")

        let cgroupsLeft = CgroupTestSupport.cgroupMounts().flatMap { mount in
            CgroupTestSupport.directories(under: mount) { $0.hasPrefix(fixture.prefix) }
        }
        #expect(cgroupsLeft.isEmpty, "cgroup directories left: \(cgroupsLeft.prefix(20))")

        let processesLeft = fixture.leftoverProcesses()
        #expect(processesLeft.isEmpty, "processes left: \(processesLeft.prefix(10).map(CgroupTestSupport.describe))")
        fixture.removeLeftovers(cgroups: cgroupsLeft, processes: processesLeft)
    }
}

/// A private state root, bundles over the shared busybox rootfs, and the names that mark
/// everything the test made: ids start with `prefix`, container processes carry
/// CGLEAK_TAG=<tag> in their environment.
final class CgroupLeakFixture {
    let binary: String
    let binaryRealPath: String
    let tag: String
    let prefix: String
    let parentCgroup: String
    let seed: UInt64
    let work: String
    let stateRoot: String
    var trueBundle = ""
    var ids: [String] = []

    init() throws {
        binary = CgroupTestSupport.runtimeBinary!
        binaryRealPath =
            realpath(binary, nil).map { p in
                defer { free(p) }; return String(cString: p)
            } ?? binary
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        if let env = getenv("CGLEAK_SEED"), let s = UInt64(String(cString: env)) {
            seed = s
        } else {
            seed = UInt64(clock.tv_nsec) ^ (UInt64(getpid()) << 32)
        }
        tag = "\(getpid())\(String(UInt64(clock.tv_nsec) % 100_000, radix: 36))"
        prefix = "cgl\(tag)-"
        parentCgroup = "cgleak-\(tag)"
        var template = Array("/tmp/cgleak.XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw RuntimeError.errno("mkdtemp") }
        work = String(cString: dir)
        stateRoot = work + "/state"
        trueBundle = try makeBundle("true", args: ["/bin/true"], cgroupsPath: nil)
    }

    /// A bundle over the shared rootfs whose process is `args`.
    func makeBundle(_ name: String, args: [String], cgroupsPath: String?) throws -> String {
        let dir = work + "/" + name
        guard mkdir(dir, 0o755) == 0 else { throw RuntimeError.errno("mkdir \(dir)") }
        let argv = args.map { "\"\($0)\"" }.joined(separator: ", ")
        let cgroups = cgroupsPath.map { "\"cgroupsPath\": \"\($0)\"," } ?? ""
        let config = """
            {
              "ociVersion": "1.2.0",
              "process": {
                "user": {"uid": 0, "gid": 0},
                "args": [\(argv)],
                "env": ["PATH=/bin", "CGLEAK_TAG=\(tag)"],
                "cwd": "/"
              },
              "root": {"path": "\(CgroupTestSupport.rootfs)", "readonly": true},
              "hostname": "cgleak",
              "mounts": [
                {"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755", "size=1m"]}
              ],
              "linux": {
                \(cgroups)
                "resources": {"devices": [{"allow": false, "access": "rwm"}], "pids": {"limit": 64}},
                "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
              }
            }
            """
        try FileIO.write(dir + "/config.json", Array(config.utf8), flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
        return dir
    }

    func command(_ args: [String]) -> [String] { [binary, "--root", stateRoot] + args }

    func runtime(_ args: [String]) -> Int32 { CgroupTestSupport.run(command(args)) }

    /// `delete` (no force) once the init has exited: retried while it says "not stopped".
    func deleteWhenStopped(_ id: String) -> Bool {
        for _ in 0..<100 {
            if runtime(["delete", id]) == 0 { return true }
            CgroupTestSupport.sleepNanos(20_000_000)
        }
        return false
    }

    /// Live processes that belong to the test's containers: marked by the environment, in a
    /// cgroup of one of our ids, or the runtime itself (a clone not yet exec'd is one too)
    /// working on our state root.
    func leftoverProcesses() -> [Int32] {
        let marker = Array("CGLEAK_TAG=\(tag)".utf8)
        let me = getpid()
        return CgroupTestSupport.processes { pid in
            if pid == me { return false }
            if let env = FileIO.read("/proc/\(pid)/environ"),
                env.split(separator: 0).contains(where: { $0.elementsEqual(marker) })
            {
                return true
            }
            if let cg = FileIO.readString("/proc/\(pid)/cgroup"), cg.contains("/" + prefix) { return true }
            if CgroupTestSupport.readLink("/proc/\(pid)/exe") == binaryRealPath,
                let cmd = FileIO.readString("/proc/\(pid)/cmdline"), cmd.contains(stateRoot)
            {
                return true
            }
            return false
        }
    }

    /// Whatever a failing runtime left is removed, so one failure does not litter the host:
    /// frozen cgroups thawed (a SIGKILL does not land in a frozen cgroup), processes killed,
    /// cgroup directories removed deepest first.
    func removeLeftovers(cgroups: [String], processes: [Int32]) {
        guard !cgroups.isEmpty || !processes.isEmpty else { return }
        for dir in cgroups {
            if FileIO.exists(dir + "/freezer.state") { try? FileIO.write(dir + "/freezer.state", "THAWED") }
            if FileIO.exists(dir + "/cgroup.freeze") { try? FileIO.write(dir + "/cgroup.freeze", "0") }
        }
        var pids = Set(processes)
        for dir in cgroups {
            for line in (FileIO.readString(dir + "/cgroup.procs") ?? "").split(separator: "\n") {
                if let pid = Int32(line) { pids.insert(pid) }
            }
        }
        for pid in pids { kill(pid, SIGKILL) }
        CgroupTestSupport.sleepNanos(300_000_000)
        for dir in cgroups.sorted(by: { $0.count > $1.count }) { rmdir(dir) }
    }

    func cleanUp() {
        for mount in CgroupTestSupport.cgroupMounts() {
            for dir in CgroupTestSupport.directories(under: mount, matching: { $0 == parentCgroup }) {
                for child in FileIO.listDirectory(dir) where FileIO.isDirectory(dir + "/" + child) { rmdir(dir + "/" + child) }
                rmdir(dir)
            }
        }
        FileIO.removeTree(work)
    }
}

/// The value syntaxes of `update` and `events`, as runc parses them (go-units, time.Duration),
/// and how an update is laid over the stored resources.
@Suite struct CgroupCLIValueTests {
    @Test func sizesAsGoUnitsRAMInBytes() throws {
        #expect(try ResourceUnits.ramInBytes("1024") == 1024)
        #expect(try ResourceUnits.ramInBytes("32m") == 32 << 20)
        #expect(try ResourceUnits.ramInBytes("64M") == 64 << 20)
        #expect(try ResourceUnits.ramInBytes("1g") == 1 << 30)
        #expect(try ResourceUnits.ramInBytes("2GiB") == 2 << 30)
        #expect(try ResourceUnits.ramInBytes("512kb") == 512 << 10)
        #expect(try ResourceUnits.ramInBytes("1.5k") == 1536)
        #expect(try ResourceUnits.ramInBytes("10 m") == 10 << 20)
        #expect(try ResourceUnits.ramInBytes("-1") == -1)
        for bad in ["", "m", "12q", "-2", "1.2.3", "0x10", "1mm", "1i"] {
            #expect(throws: RuntimeError.self, "\(bad)") { try ResourceUnits.ramInBytes(bad) }
        }
    }

    @Test func intervalsAsGoDurations() throws {
        #expect(try ResourceUnits.duration("5s") == 5_000_000_000)
        #expect(try ResourceUnits.duration("500ms") == 500_000_000)
        #expect(try ResourceUnits.duration("1m30s") == 90_000_000_000)
        #expect(try ResourceUnits.duration("1.5h") == 5_400_000_000_000)
        #expect(try ResourceUnits.duration("250us") == 250_000)
        #expect(try ResourceUnits.duration("0") == 0)
        #expect(try ResourceUnits.duration("-1s") == -1_000_000_000)
        for bad in ["", "5", "s", "5x", "1..2s", "--1s"] {
            #expect(throws: RuntimeError.self, "\(bad)") { try ResourceUnits.duration(bad) }
        }
    }

    @Test func anUpdateReplacesOnlyWhatItSets() {
        let stored = LinuxResources(
            devices: [LinuxDeviceCgroup(allow: false, access: "rwm")],
            memory: LinuxMemory(limit: 100, swap: 200), cpu: LinuxCPU(shares: 512, cpus: "0"),
            pids: LinuxPids(limit: 20))
        let merged = ResourceMerge.merge(stored, LinuxResources(memory: LinuxMemory(limit: 150), cpu: LinuxCPU(cpus: "")))
        #expect(merged.memory == LinuxMemory(limit: 150, swap: 200))
        #expect(merged.cpu == LinuxCPU(shares: 512, cpus: "0"))  // "" leaves cpus alone, as in runc
        #expect(merged.pids == LinuxPids(limit: 20))
        #expect(merged.devices == stored.devices)
        // runc: a pids limit of 0 changes nothing; unlimited memory without swap means unlimited swap.
        let unlimited = ResourceMerge.merge(stored, LinuxResources(memory: LinuxMemory(limit: -1), pids: LinuxPids(limit: 0)))
        #expect(unlimited.memory == LinuxMemory(limit: -1, swap: -1))
        #expect(unlimited.pids == LinuxPids(limit: 20))
        #expect(ResourceMerge.merge(nil, LinuxResources(pids: LinuxPids(limit: -1))).pids == LinuxPids(limit: -1))
    }
}
