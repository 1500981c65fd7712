import Glibc

/// What /proc/<pid>/stat says about a process: enough to tell our container's init from
/// a recycled pid (start time, field 22) and a zombie from a live process.
struct ProcStat {
    let state: Character
    let startTime: UInt64

    init?(pid: Int32) {
        guard pid > 0, let text = FileIO.readString("/proc/\(pid)/stat"),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after "comm)" start with the state (field 3).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        self.state = state
        self.startTime = start
    }

    var isDead: Bool { state == "Z" || state == "X" }

    /// Alive and still the same process that was recorded.
    static func isRunning(pid: Int32, startTime: UInt64) -> Bool {
        guard let stat = ProcStat(pid: pid) else { return false }
        return !stat.isDead && stat.startTime == startTime
    }
}
