import Glibc
import Testing
import TestSupport
@testable import ContainerCore

/// /proc/<pid>/stat: the start time tells our init from a recycled pid; a zombie is not running.
@Suite struct ProcStatTests {
    @Test func ownProcessIsAliveWithAStartTime() throws {
        let stat = try #require(ProcStat(pid: getpid()))
        #expect(stat.startTime > 0)
        #expect(!stat.isDead)
        #expect("RSD".contains(stat.state))
        #expect(ProcStat.isRunning(pid: getpid(), startTime: stat.startTime))
        // Same pid, other start time: a recycled pid is not our container.
        #expect(!ProcStat.isRunning(pid: getpid(), startTime: stat.startTime + 1))
    }

    @Test func startTimeIsField22() throws {
        // Field 22 counted independently: split after the last ")" (comm may hold spaces).
        let text = try #require(FileIO.readString("/proc/self/stat"))
        let rest = text[text.index(after: text.lastIndex(of: ")")!)...].split(separator: " ")
        let field22 = try #require(UInt64(rest[22 - 3]))
        #expect(ProcStat(pid: getpid())?.startTime == field22)
    }

    /// comm is free text ("a) b (c"): parsing must start after the *last* ")".
    @Test func commWithParenthesesAndSpaces() throws {
        // This thread's own comm, renamed through /proc (its stat is /proc/<tid>/stat).
        var buf = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/thread-self", &buf, buf.count - 1)
        let link = String(decoding: buf[0..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let tid = try #require(Int32(link.split(separator: "/").last ?? ""))
        let commPath = "/proc/thread-self/comm"
        let saved = FileIO.readString(commPath) ?? "worker\n"
        defer { try? FileIO.write(commPath, saved) }
        try FileIO.write(commPath, "x) S 1 (y")
        let stat = try #require(ProcStat(pid: tid))
        #expect(stat.state == "R")
        #expect(stat.startTime > 0)
    }

    @Test func invalidPids() {
        #expect(ProcStat(pid: 0) == nil)
        #expect(ProcStat(pid: -1) == nil)
        #expect(!ProcStat.isRunning(pid: 0, startTime: 0))
    }

    @Test func deadProcessesAreNotRunning() throws {
        var pid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, &argv, environ) == 0)
        let start = ProcStat(pid: pid)?.startTime
        // Exited but not reaped: a zombie, never "running".
        #expect(eventually { ProcStat(pid: pid)?.isDead == true })
        #expect(!ProcStat.isRunning(pid: pid, startTime: start ?? 0))
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        // Reaped: gone.
        #expect(ProcStat(pid: pid) == nil)
        #expect(!ProcStat.isRunning(pid: pid, startTime: start ?? 0))
    }
}
