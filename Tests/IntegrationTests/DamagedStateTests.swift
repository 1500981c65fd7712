import Cgroups
import Glibc
import OCISpec
import Testing
import TestSupport
@testable import ContainerCore

/// Issue 10 §3 and §5: damaged state fails closed, and `delete --force` still finds and
/// removes what belongs to the id; signals never reach a pid that is not the container's.
extension Lifecycle {
    @Suite struct DamagedState {
        /// A running `sleep` container and the host paths that belong to it.
        func running(_ f: ContainerFixture, _ label: String) throws -> (id: String, record: ContainerRecord) {
            let id = f.newID(label)
            let record = try f.create(id)
            try f.runtime.start(id: id)
            #expect(f.status(id) == "running")
            return (id, record)
        }

        /// A damaged config used to decode as an empty one: exec then ran the process with
        /// no namespaces to join, on the host.
        @Test func execWithADamagedConfigFails() throws {
            let f = try ContainerFixture(args: ["/bin/sleep", "30"])
            let (id, _) = try running(f, "badcfg")
            try FileIO.write(f.runtime.store.configPath(id), Array("{\"ociVersion\":".utf8))
            let marker = f.dir + "/exec-ran"
            let error = #expect(throws: RuntimeError.self) {
                _ = try f.runtime.exec(ExecRequest(id: id, process: Process(args: ["/bin/sh", "-c", "touch \(marker)"])))
            }
            #expect(error?.description.contains("config.json") == true)
            #expect(!FileIO.exists(marker), "exec ran on the host")
            let state = #expect(throws: RuntimeError.self) { _ = try f.runtime.state(id: id) }
            #expect(state?.description.contains("damaged") == true)
        }

        enum Damage: String, CaseIterable { case truncated, garbled, removed, directoryRemoved }

        @Test(arguments: Damage.allCases)
        func deleteForceCleansUpAfterDamagedState(_ damage: Damage) throws {
            let f = try ContainerFixture(args: ["/bin/sleep", "30"])
            let (id, record) = try running(f, "dmg")
            let dirs = try #require(record.cgroup?.directories)
            let store = f.runtime.store
            let state = try #require(FileIO.read(store.statePath(id)))
            switch damage {
            case .truncated: try FileIO.write(store.statePath(id), state.prefix(state.count / 3))
            case .garbled: try FileIO.write(store.statePath(id), Array("\u{1}\u{2}garbage".utf8))
            case .removed: unlink(store.statePath(id))
            case .directoryRemoved: store.remove(id)
            }
            if damage != .directoryRemoved {
                #expect(f.runtime.list().first { $0.id == id }?.status == ContainerRuntime.brokenStatus)
            }
            var warnings: [String] = []
            let saved = Warnings.sink
            Warnings.sink = { warnings.append($0) }
            defer { Warnings.sink = saved }
            try f.runtime.delete(id: id, force: true)
            #expect(!ProcStat.isRunning(pid: record.pid, startTime: record.startTime))
            #expect(dirs.filter { FileIO.exists($0) } == [])
            #expect(!FileIO.exists(store.directory(id)))
            #expect(warnings.contains { $0.contains(id) && $0.contains("cgroup") }, "\(warnings)")
        }

        /// With no cgroup on record (rootless without delegation), `kill --all` of an exited
        /// container used to signal its old pid, whoever had it now.
        @Test func killNeverSignalsAReusedPid() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            let id = f.newID("reuse")
            var record = try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            // Stand-in for a process that got the pid later: our own child, alive. Start times
            // count clock ticks (10 ms): a real reuse of the pid takes the whole pid space to
            // wrap, so let at least a tick pass, as it would have.
            usleep(30_000)
            var bystander: pid_t = 0
            var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("30"), nil]
            defer { argv.forEach { free($0) } }
            #expect(posix_spawn(&bystander, "/bin/sleep", nil, nil, &argv, environ) == 0)
            defer { Glibc.kill(bystander, SIGKILL); var st: Int32 = 0; waitpid(bystander, &st, 0) }
            let lock = try f.runtime.store.lock(id)
            record = try f.runtime.store.load(id)
            let cgroup = record.cgroup
            record.cgroup = nil
            record.pid = bystander  // same pid, but the recorded start time is the old process's
            try f.runtime.store.save(record)
            _ = lock
            // SIGKILL: a mask the test process passes on cannot hide a delivery.
            try f.runtime.kill(id: id, signal: SIGKILL, all: true)
            #expect(throws: RuntimeError.self) { try f.runtime.kill(id: id, signal: SIGTERM) }
            var status: Int32 = 0
            #expect(waitpid(bystander, &status, WNOHANG) == 0, "the bystander was signalled")
            if let cgroup { try? Cgroups.open(cgroup).destroy() }
        }

        /// The README promises runc's "already gone succeeds": every one of parallel
        /// `delete --force` calls succeeds once the container is gone.
        @Test func parallelForceDeletesAllSucceed() throws {
            let f = try ContainerFixture(args: ["/bin/sleep", "30"])
            let (id, record) = try running(f, "pardel")
            let errors = Results<String>()
            #expect(
                onThreads(4) { _ in
                    do { try f.runtime.delete(id: id, force: true) } catch { errors.append("\(error)") }
                })
            #expect(errors.all == [])
            #expect(!ProcStat.isRunning(pid: record.pid, startTime: record.startTime))
            #expect(!FileIO.exists(f.runtime.store.directory(id)))
        }
    }
}
