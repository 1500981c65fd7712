import Glibc

enum Freezer {
    /// v1: write FROZEN and read freezer.state back until the kernel reports FROZEN.
    /// Processes forking while we freeze can keep the cgroup in FREEZING; like runc,
    /// thaw briefly every 50 tries so they settle, and give up after 1000.
    static func freezeV1(_ dir: String) throws {
        for i in 0..<1000 {
            if i % 50 == 49 {
                try? CgroupFile.write(dir, "freezer.state", "THAWED")
                usleep(10_000)
            }
            try CgroupFile.write(dir, "freezer.state", "FROZEN")
            if i % 25 == 24 { usleep(10) }
            let state = try CgroupFile.read(dir, "freezer.state").trimmingWhitespace()
            switch state {
            case "FROZEN": return
            case "FREEZING": continue
            default:
                throw CgroupError("\(dir)/freezer.state: unexpected state \(quoted(state)) after writing \"FROZEN\"")
            }
        }
        try? CgroupFile.write(dir, "freezer.state", "THAWED")
        throw CgroupError("\(dir): unable to freeze (still FREEZING after 1000 attempts)")
    }

    /// v2: cgroup.freeze, then wait for "frozen 1" (or "frozen 0" when thawing) in
    /// cgroup.events; 10 ms polls for up to 10 s, as runc's waitFrozen.
    static func setV2(_ dir: String, frozen: Bool) throws {
        try CgroupFile.write(dir, "cgroup.freeze", frozen ? "1" : "0")
        let want: UInt64 = frozen ? 1 : 0
        for _ in 0..<1000 {
            let events = try CgroupFile.readKeyValues(dir, "cgroup.events")
            guard let state = events["frozen"] else { return }  // kernel without the key: nothing to wait for
            if state == want { return }
            usleep(10_000)
        }
        if frozen { try? CgroupFile.write(dir, "cgroup.freeze", "0") }
        throw CgroupError("\(dir): timed out after 10s waiting for cgroup.events to show \"frozen \(want)\"")
    }

    static func isFrozenV2(_ dir: String) -> Bool {
        guard let events = try? CgroupFile.readKeyValues(dir, "cgroup.events") else { return false }
        if let f = events["frozen"] { return f == 1 }
        return (try? CgroupFile.read(dir, "cgroup.freeze").trimmingWhitespace()) == "1"
    }
}
