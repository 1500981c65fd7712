import Testing
@testable import ContainerCore

/// A failed create undoes its steps newest first; a successful one disarms.
@Suite struct RollbackTests {
    final class Log { var entries: [String] = [] }

    @Test func runsStepsNewestFirst() {
        let log = Log()
        do {
            let r = Rollback()
            r.add { log.entries.append("state dir") }
            r.add { log.entries.append("cgroup") }
            r.add { log.entries.append("process") }
            #expect(log.entries.isEmpty)
        }
        #expect(log.entries == ["process", "cgroup", "state dir"])
    }

    @Test func disarmedRunsNothing() {
        let log = Log()
        do {
            let r = Rollback()
            r.add { log.entries.append("step") }
            r.disarm()
        }
        #expect(log.entries.isEmpty)
    }

    @Test func stepsAddedAfterAThrowStillRun() {
        let log = Log()
        func failingCreate() throws {
            let r = Rollback()
            r.add { log.entries.append("first") }
            r.add { log.entries.append("second") }
            throw RuntimeError("boom")
        }
        #expect(throws: RuntimeError.self) { try failingCreate() }
        #expect(log.entries == ["second", "first"])
    }
}
