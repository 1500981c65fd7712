import Glibc
import OCISpec
import Testing
import TestSupport
@testable import ContainerCore

/// config.md "POSIX-platform Hooks": a failing poststart or poststop hook is a warning, and
/// the remaining hooks still run; hooks get the state on stdin and nothing else of ours.
extension Lifecycle {
    @Suite struct HookFailures {
        static func sh(_ script: String) -> Hook { Hook(path: "/bin/sh", args: ["sh", "-c", script]) }

        func capturingWarnings(_ body: () throws -> Void) rethrows -> [String] {
            var warnings: [String] = []
            let saved = Warnings.sink
            Warnings.sink = { warnings.append($0) }
            defer { Warnings.sink = saved }
            try body()
            return warnings
        }

        @Test func failingPoststartAndPoststopHooksWarnAndTheRestRun() throws {
            let f = try ContainerFixture(args: ["/bin/sleep", "30"])
            let out = f.out
            f.spec.hooks = Hooks(
                poststart: [Self.sh("exit 3"), Self.sh("echo ran > \(out)/poststart-2")],
                poststop: [Self.sh("exit 4"), Self.sh("echo ran > \(out)/poststop-2")])
            try f.writeSpec()
            let id = f.newID("hookfail")
            try f.create(id)
            let started = try capturingWarnings { try f.runtime.start(id: id) }
            #expect(f.status(id) == "running")
            #expect(f.outFile("poststart-2") == "ran\n")
            #expect(started.contains { $0.contains("hooks.poststart[0]") && $0.contains("status 3") }, "\(started)")
            let deleted = try capturingWarnings { try f.runtime.delete(id: id, force: true) }
            #expect(!FileIO.exists(f.runtime.store.directory(id)))
            #expect(f.outFile("poststop-2") == "ran\n")
            #expect(deleted.contains { $0.contains("hooks.poststop[0]") && $0.contains("status 4") }, "\(deleted)")
        }

        /// The read end of the state pipe reaches a hook only as its stdin, never as an extra fd.
        @Test func hooksGetNoStrayCopyOfTheirStdinPipe() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            let script = """
                in=$(readlink /proc/$$/fd/0); for fd in /proc/$$/fd/*; do n=${fd##*/}; \
                [ "$n" != 0 ] && [ "$(readlink $fd)" = "$in" ] && echo "leak $n"; done; echo checked
                """
            f.spec.hooks = Hooks(
                prestart: [Self.sh("{ \(script); } > \(f.out)/prestart")],
                poststart: [Self.sh("{ \(script); } > \(f.out)/poststart")])
            try f.writeSpec()
            let id = f.newID("hookfds")
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(f.outFile("prestart") == "checked\n")
            #expect(f.outFile("poststart") == "checked\n")
        }
    }
}
