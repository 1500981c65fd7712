import Glibc
import Testing
@testable import ContainerCore

/// A hook that never reads its stdin must not kill the runtime: SIGPIPE (default action:
/// terminate) once left a container "creating" and the caller with exit 141.
@Suite struct HookStdinTests {
    @Test func writingTheStateToAHookThatClosedItsStdinReturns() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])  // the hook exited (or closed stdin) without reading
        defer { close(fds[1]) }
        // More than a pipe buffer, so a partial write comes first, then EPIPE.
        HookRunner.writeState([UInt8](repeating: 0x20, count: 200_000), to: fds[1])
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        // The caller's disposition is back as it was (default here).
        #expect(current.__sigaction_handler.sa_handler == nil)
    }
}
