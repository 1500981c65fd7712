import Glibc
import OCISpec
import Testing
@testable import ContainerCore

/// A create that fails undoes everything it did: no state directory, no cgroup, no process,
/// and says why in one line.
extension Lifecycle {
    @Suite struct Failures {
        func expectCleanFailure(_ f: ContainerFixture, _ id: String, mentioning words: [String]) throws {
            let planned = try plannedCgroupDirectories(id: id, spec: f.spec)
            var error: RuntimeError?
            let tag = withThreadTag { error = #expect(throws: RuntimeError.self) { try f.create(id) } }
            let message = error?.description ?? ""
            #expect(!message.isEmpty && !message.contains("\n"), "one line: \(message)")
            for word in words { #expect(message.contains(word), "\(message) should mention \(word)") }

            #expect(!FileIO.exists(f.runtime.store.directory(id)))
            #expect(f.runtime.store.ids().isEmpty)
            #expect(!planned.isEmpty)
            #expect(planned.filter { FileIO.exists($0) } == [])
            #expect(cgroupDirectories(named: id) == [])
            #expect(ourChildren().filter { $0.comm == tag } == [], "the container's init was left behind")
        }

        /// The leak check above can fail: a created (not yet exec'd) init carries the tag.
        @Test func threadTagFindsAnInitThatIsLeftBehind() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            let id = f.newID("tagged")
            var pid: Int32 = 0
            let tag = try withThreadTag { pid = try f.create(id).pid }
            #expect(ourChildren().filter { $0.comm == tag }.map(\.pid) == [pid])
        }

        @Test func missingBindSource() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            f.spec.mounts?.append(Mount(destination: "/data", type: "bind", source: f.dir + "/no-such-dir", options: ["rbind"]))
            try f.writeSpec()
            try expectCleanFailure(f, f.newID("nobind"), mentioning: ["/data", "No such file or directory"])
        }

        /// Only a procfs's root may be bound on /proc (the host's, without a pid namespace):
        /// a part of one (here /proc/sys) would put the wrong files at /proc's paths.
        @Test func bindOfPartOfAProcfsOnProc() throws {
            let f = try ContainerFixture(args: ["/bin/true"], pidNamespace: false)
            f.spec.mounts = f.spec.mounts?.map {
                $0.type == "proc" ? Mount(destination: "/proc", type: "none", source: "/proc/sys", options: ["rbind"]) : $0
            }
            try f.writeSpec()
            try expectCleanFailure(f, f.newID("procsys"), mentioning: ["/proc", "procfs"])
        }

        /// Without a mount namespace of its own no mount of the config is made (they would land
        /// in the host's): a root without its own /proc cannot start, and create says why.
        @Test func noMountNamespaceAndNoProc() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            f.spec.linux?.namespaces?.removeAll { $0.type == "mount" }
            try f.writeSpec()
            try expectCleanFailure(f, f.newID("nomntns"), mentioning: ["no mount namespace", "linux.namespaces"])
        }

        @Test func executableNotFound() throws {
            let f = try ContainerFixture(args: ["/bin/no-such-program", "x"])
            try expectCleanFailure(f, f.newID("noexe"), mentioning: ["/bin/no-such-program"])
        }

        @Test func executableNotFoundInPath() throws {
            let f = try ContainerFixture(args: ["no-such-program"])
            try expectCleanFailure(f, f.newID("nopath"), mentioning: ["no-such-program"])
        }

        @Test func invalidConfigTouchesNothing() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            f.spec.process?.cwd = "relative/cwd"
            try f.writeSpec()
            let id = f.newID("badcfg")
            let error = #expect(throws: RuntimeError.self) { try f.create(id) }
            #expect(error?.kind == .invalidConfig(file: "config.json", path: "process.cwd"))
            #expect(error?.description.contains("process.cwd") == true)
            #expect(!FileIO.exists(f.root))
            #expect(cgroupDirectories(named: id) == [])
        }

        /// Ids name a directory in the state root: "../x" must be refused before anything exists.
        @Test(arguments: ["../x", "..", "a/b", "", "x y"])
        func invalidIDIsRefusedByCreate(_ id: String) throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            var error: RuntimeError?
            let tag = withThreadTag {
                error = #expect(throws: RuntimeError.self) { try f.runtime.create(CreateRequest(id: id, bundle: f.bundle)) }
            }
            #expect(error?.description.contains("container id") == true)
            #expect(!FileIO.exists(f.root))
            #expect(!FileIO.exists(f.dir + "/x"))
            #expect(FileIO.listDirectory(f.dir).sorted() == ["bundle", "out"])
            #expect(ourChildren().filter { $0.comm == tag } == [])
        }

        /// runc validates the id in every command (libcontainer.Load): no command may reach a
        /// directory outside the state root, and `delete --force ../victim` must not remove one.
        @Test func invalidIDIsRefusedByEveryCommand() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            let real = f.newID("real")
            try f.create(real)
            let state = try #require(FileIO.read(f.runtime.store.directory(real) + "/state.json"))
            let victim = f.dir + "/victim"
            let id = "../victim"
            // Each command once on a bare directory (what a create killed early leaves), once on
            // a copy of a real container's state.
            let commands: [(String, () throws -> Void)] = [
                ("state", { _ = try f.runtime.state(id: id) }),
                ("kill", { try f.runtime.kill(id: id, signal: 0) }),
                ("start", { try f.runtime.start(id: id) }),
                ("delete", { try f.runtime.delete(id: id) }),
                ("delete --force", { try f.runtime.delete(id: id, force: true) })
            ]
            for withState in [false, true] {
                for (name, command) in commands {
                    FileIO.removeTree(victim)
                    _ = mkdir(victim, 0o755)
                    try FileIO.write(victim + "/precious", Array("keep me".utf8), flags: O_WRONLY | O_CREAT | O_CLOEXEC)
                    if withState { try FileIO.write(victim + "/state.json", state, flags: O_WRONLY | O_CREAT | O_CLOEXEC) }
                    let what = "\(name) \(id)" + (withState ? " (with a state.json)" : "")
                    #expect(throws: (any Error).self, "\(what)") { try command() }
                    #expect(FileIO.readString(victim + "/precious") == "keep me", "\(what) removed \(victim)")
                }
            }
            // Nothing done through "../victim" may reach the real container either.
            #expect(f.status(real) == "created")
        }
    }
}
