import Glibc
import OCISpec
import Testing
import TestSupport
@testable import ContainerCore

/// runtime.md "Lifecycle": create sets up and waits, start runs the program, the state follows.
extension Lifecycle {
    @Suite struct Basics {
        @Test func createDoesNotRunTheProgramUntilStart() throws {
            let f = try ContainerFixture(args: ["/bin/sh", "-c", "echo ran > /out/ran"])
            let id = f.newID()
            let record = try f.create(id)

            #expect(record.pid > 0)
            let state = try f.runtime.state(id: id)
            #expect(state.status == "created")
            #expect(state.pid == record.pid)
            #expect(state.id == id)
            #expect(state.bundle == f.bundle)
            #expect(state.rootfs == f.rootfs)
            // runtime.md: create MUST NOT run the user program. The init still is the runtime
            // binary (the same file), blocked on the exec fifo: it has not exec'd anything yet.
            #expect(sameFile("/proc/\(record.pid)/exe", "/proc/self/exe"))
            // …executed from a read-only mount of it: what a process reaches through
            // /proc/<pid>/exe cannot be opened for writing (the CVE-2019-5736 class; here the
            // test binary itself runs the file, so ETXTBSY would hide EROFS: the mount is checked).
            let held = open("/proc/\(record.pid)/exe", 0o10000000 /* O_PATH */ | O_CLOEXEC)
            #expect(held >= 0)
            defer { if held >= 0 { close(held) } }
            var fs = statvfs()
            #expect(fstatvfs(held, &fs) == 0 && fs.f_flag & UInt(ST_RDONLY) != 0, "the init's executable is on a writable mount")
            #expect(f.outFile("ran") == nil)
            #expect(FileIO.exists(f.runtime.store.fifoPath(id)))
            // Its cgroups exist while it lives.
            let dirs = try #require(record.cgroup?.directories)
            #expect(!dirs.isEmpty && dirs.allSatisfy { FileIO.isDirectory($0) })

            try f.runtime.start(id: id)
            #expect(!FileIO.exists(f.runtime.store.fifoPath(id)))
            #expect(eventually { f.outFile("ran") == "ran\n" })
            let writable = open("/proc/self/fd/\(held)", O_WRONLY | O_CLOEXEC)
            if writable >= 0 { close(writable) }
            #expect(writable < 0, "the init's executable opened for writing")
            #expect(eventually { f.status(id) == "stopped" })
            #expect(try f.runtime.state(id: id).pid == 0)  // runc reports no pid once stopped

            // A stopped container is deleted without force; its state and cgroups go with it.
            try f.runtime.delete(id: id)
            #expect(!FileIO.exists(f.runtime.store.directory(id)))
            #expect(dirs.allSatisfy { !FileIO.exists($0) })
            #expect(f.runtime.list().isEmpty)
        }

        @Test func startTwiceFailsAndDeleteOfRunningNeedsForce() throws {
            let f = try ContainerFixture(args: ["/bin/sleep", "30"])
            let id = f.newID()
            let record = try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { readLink("/proc/\(record.pid)/exe") != readLink("/proc/self/exe") })
            #expect(f.status(id) == "running")

            let again = #expect(throws: RuntimeError.self) { try f.runtime.start(id: id) }
            #expect(again?.description.contains("running") == true)

            let delete = #expect(throws: RuntimeError.self) { try f.runtime.delete(id: id) }
            #expect(delete?.description.contains("not stopped") == true)
            #expect(f.status(id) == "running")
            #expect(ProcStat.isRunning(pid: record.pid, startTime: record.startTime))

            try f.runtime.delete(id: id, force: true)
            #expect(!ProcStat.isRunning(pid: record.pid, startTime: record.startTime))
            #expect(!FileIO.exists(f.runtime.store.directory(id)))
            #expect((record.cgroup?.directories ?? []).allSatisfy { !FileIO.exists($0) })
            let gone = #expect(throws: RuntimeError.self) { try f.runtime.state(id: id) }
            #expect(gone?.description.contains("does not exist") == true)
        }

        @Test func startOfAStoppedContainerFails() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            let id = f.newID()
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            let error = #expect(throws: RuntimeError.self) { try f.runtime.start(id: id) }
            #expect(error?.description.contains("stopped") == true)
        }

        /// runtime.md "Operations": "Attempting to delete a container that is not stopped MUST
        /// generate an error" (runc deletes a created one anyway); --force kills it.
        @Test func deleteOfACreatedContainerNeedsForce() throws {
            let f = try ContainerFixture(args: ["/bin/sh", "-c", "echo ran > /out/ran"])
            let id = f.newID()
            let record = try f.create(id)
            let error = #expect(throws: RuntimeError.self) { try f.runtime.delete(id: id) }
            #expect(error?.description.contains("not stopped") == true)
            #expect(f.status(id) == "created")
            #expect(ProcStat.isRunning(pid: record.pid, startTime: record.startTime))
            try f.runtime.delete(id: id, force: true)
            #expect(!ProcStat.isRunning(pid: record.pid, startTime: record.startTime))
            #expect(!FileIO.exists(f.runtime.store.directory(id)))
            #expect(f.outFile("ran") == nil)
        }

        @Test func killStopsARunningContainer() throws {
            let f = try ContainerFixture(args: ["/bin/sleep", "30"])
            let id = f.newID()
            let record = try f.create(id)
            try f.runtime.start(id: id)
            try f.runtime.kill(id: id, signal: try Signals.parse("KILL"))
            #expect(eventually { f.status(id) == "stopped" })
            var status: Int32 = 0
            #expect(waitpid(record.pid, &status, 0) == record.pid)
            #expect(status & 0x7f == SIGKILL)
            let error = #expect(throws: RuntimeError.self) { try f.runtime.kill(id: id, signal: SIGTERM) }
            #expect(error?.description.contains("not running") == true)
        }

        /// `run` = create + start + wait + delete; it returns the exit code, 128+N for signal N.
        @Test(arguments: [("exit 0", Int32(0)), ("exit 3", Int32(3)), ("kill -9 $$", Int32(137))])
        func runReturnsTheExitCode(_ script: String, _ code: Int32) throws {
            // Without a pid namespace: an init cannot SIGKILL itself from inside its own.
            let f = try ContainerFixture(args: ["/bin/sh", "-c", script], pidNamespace: false)
            let id = f.newID()
            #expect(try f.runtime.run(CreateRequest(id: id, bundle: f.bundle), detach: false) == code)
            #expect(!FileIO.exists(f.runtime.store.directory(id)))
            #expect(cgroupDirectories(named: id).isEmpty)
        }

        /// Commands on different ids never wait for each other.
        @Test func parallelCreatesOfDifferentIDs() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            let ids = (0..<4).map { _ in f.newID("par") }
            // Another id held locked all along must not get in the way either.
            let bystander = f.newID("held")
            try f.create(bystander)
            let errors = Results<String>()
            try withExtendedLifetime(f.runtime.store.lock(bystander)) {
                #expect(
                    onThreads(4) { i in
                        do { try f.create(ids[i]) } catch { errors.append("\(ids[i]): \(error)") }
                    })
            }
            #expect(errors.all == [])
            #expect(ids.map { f.status($0) } == Array(repeating: "created", count: 4))
            #expect(Set(f.runtime.list().map(\.id)) == Set(ids + [bystander]))
        }

        @Test func concurrentCreatesOfOneIDLetExactlyOneWin() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            let id = f.newID("same")
            let errors = Results<String>()
            #expect(
                onThreads(3) { _ in
                    do { try f.create(id) } catch { errors.append("\(error)") }
                })
            #expect(errors.all.count == 2)
            #expect(errors.all.allSatisfy { $0.contains("already exists") })
            #expect(f.status(id) == "created")
        }
    }
}
