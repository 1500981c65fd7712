import Glibc
import Testing
@testable import ContainerCore

/// Callers and tests match what went wrong by kind, not by the words of the message.
extension Lifecycle {
    @Suite struct ErrorKinds {
        @Test func lifecycleErrorsCarryTheirKind() throws {
            let f = try ContainerFixture(args: ["/bin/sleep", "30"])
            let id = f.newID("kinds")
            let missing = #expect(throws: RuntimeError.self) { try f.runtime.state(id: id) }
            #expect(missing?.kind == .notFound)

            _ = try f.create(id)
            defer { try? f.runtime.delete(id: id, force: true) }
            let again = #expect(throws: RuntimeError.self) { try f.create(id) }
            #expect(again?.kind == .alreadyExists)

            try f.runtime.start(id: id)
            let twice = #expect(throws: RuntimeError.self) { try f.runtime.start(id: id) }
            #expect(twice?.kind == .invalidState)
            // runtime.md: deleting a container that is not stopped MUST be an error.
            let running = #expect(throws: RuntimeError.self) { try f.runtime.delete(id: id, force: false) }
            #expect(running?.kind == .invalidState)
        }

        @Test func syscallErrorsCarryTheirErrno() {
            #expect(RuntimeError.errno("opening x", ENOENT).kind == .systemCall(ENOENT))
            #expect(RuntimeError.errno("opening x", ENOENT).exitCode == 1)
        }
    }
}
