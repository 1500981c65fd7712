import Glibc

/// What /proc/<pid>/stat says about a process: enough to tell our container's init from
/// a recycled pid (start time, field 22) and a zombie from a live process.
struct ProcStat {
    let state: Character
    let startTime: UInt64

    init?(pid: Int32) {
        // Bytes, not String: this runs several times per command.
        guard pid > 0, let bytes = FileIO.read("/proc/\(pid)/stat"),
            let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        // Fields after "comm)" start with the state (field 3); the start time is field 22.
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 19, let state = fields[0].first else { return nil }
        var start: UInt64 = 0
        for digit in fields[19] {
            guard digit >= 48 && digit <= 57 else { return nil }
            start = start &* 10 &+ UInt64(digit - 48)
        }
        self.state = Character(Unicode.Scalar(state))
        self.startTime = start
    }

    var isDead: Bool { state == "Z" || state == "X" }

    /// Alive and still the same process that was recorded.
    static func isRunning(pid: Int32, startTime: UInt64) -> Bool {
        guard let stat = ProcStat(pid: pid) else { return false }
        return !stat.isDead && stat.startTime == startTime
    }
}
