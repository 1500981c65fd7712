import Cgroups
import Glibc

/// One line of `events` output, runc's types.Event: `{"type":"stats","id":…,"data":{…}}`
/// or `{"type":"oom","id":…}` (data omitted when empty, as Go's omitempty does).
public struct ContainerEvent: Encodable, Sendable {
    public var type: String
    public var id: String
    var stats: CgroupStats?
    /// The `data` member (nil for an oom event): the CLI writes the keys in runc's order.
    public var data: EventStats? { stats.map(EventStats.init) }

    enum CodingKeys: String, CodingKey { case type, id, data }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(id, forKey: .id)
        if let stats { try c.encode(EventStats(stats: stats), forKey: .data) }
    }
}

/// runc's types.Stats: the cgroup statistics plus two members this runtime has nothing
/// for but runc always prints (`"intel_rdt":{}`, `"network_interfaces":null`).
public struct EventStats: Encodable {
    let stats: CgroupStats

    enum Extra: String, CodingKey { case intelRdt = "intel_rdt", networkInterfaces = "network_interfaces" }
    struct Empty: Encodable {}

    public func encode(to encoder: Encoder) throws {
        try stats.encode(to: encoder)
        var c = encoder.container(keyedBy: Extra.self)
        try c.encode(Empty(), forKey: .intelRdt)
        try c.encodeNil(forKey: .networkInterfaces)
    }
}

extension ContainerRuntime {
    /// `events --stats`: one stats event, now.
    public func statsEvent(id: String) throws -> ContainerEvent {
        let record = try loadLive(id)
        let cgroup = try Self.cgroupManager(of: record)
        do { return ContainerEvent(type: "stats", id: id, stats: try cgroup.stats()) } catch {
            throw RuntimeError("reading the statistics of \"\(id)\": \(error)")
        }
    }

    /// `events`: a stats event every `interval` nanoseconds and an "oom" event whenever the
    /// kernel OOM-kills a process of the container, until the container stops. A stats read
    /// that fails is reported through `onError` and skipped, as runc does.
    public func watchEvents(
        id: String, intervalNanos: Int64, emit: (ContainerEvent) -> Void,
        onError: (String) -> Void
    ) throws {
        guard intervalNanos > 0 else { throw RuntimeError("duration interval must be greater than 0") }
        let record = try loadLive(id)
        let cgroup = try Self.cgroupManager(of: record)
        let oomFD: Int32?
        do { oomFD = try cgroup.oomEventFD() } catch { throw RuntimeError("watching \"\(id)\" for OOM: \(error)") }
        defer { if let oomFD { close(oomFD) } }
        var kills = cgroup.oomKillCount()

        func checkOOM() {
            let now = cgroup.oomKillCount()
            if now > kills { emit(ContainerEvent(type: "oom", id: id)) }
            kills = max(kills, now)
        }
        // The state is re-read at most this often, so the loop ends soon after the container.
        let statusCheck: Int64 = 200_000_000
        // The kernel notifies when the OOM begins and counts the kill a moment later: after a
        // notification, the count is re-read every 10 ms for a while.
        var recheckUntil: Int64 = 0
        var next = Self.monotonicNanos() + intervalNanos
        while true {
            let now = Self.monotonicNanos()
            var wait = max(0, min(next - now, statusCheck))
            if now < recheckUntil { wait = min(wait, 10_000_000) }
            if let oomFD {
                var pfd = pollfd(fd: oomFD, events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, Int32(wait / 1_000_000)) > 0 {
                    // One read drains an eventfd counter or a batch of inotify events.
                    var buf = [UInt8](repeating: 0, count: 4096)
                    _ = buf.withUnsafeMutableBytes { read(oomFD, $0.baseAddress, $0.count) }
                    recheckUntil = Self.monotonicNanos() + 2_000_000_000
                }
            } else {
                var ts = timespec(tv_sec: Int(wait / 1_000_000_000), tv_nsec: Int(wait % 1_000_000_000))
                _ = nanosleep(&ts, nil)
            }
            checkOOM()
            guard Self.isLive(record) else {
                // An OOM kill of the init stops the container: its count may lag the exit.
                if Self.monotonicNanos() < recheckUntil {
                    for _ in 0..<10 where cgroup.oomKillCount() <= kills { usleep(10_000) }
                }
                checkOOM()
                return
            }
            if Self.monotonicNanos() >= next {
                do { emit(ContainerEvent(type: "stats", id: id, stats: try cgroup.stats())) } catch {
                    onError("reading the statistics of \"\(id)\": \(error)")
                }
                next += intervalNanos
                if next < Self.monotonicNanos() { next = Self.monotonicNanos() + intervalNanos }
            }
        }
    }

    private func loadLive(_ id: String) throws -> ContainerRecord {
        let record = try store.load(id)
        let status = record.status(in: store)
        guard status != .stopped, status != .creating else {
            throw RuntimeError.invalidState("container with id \(id) is not running (status: \(status.rawValue))")
        }
        return record
    }

    static func isLive(_ record: ContainerRecord) -> Bool {
        ProcStat.isRunning(pid: record.pid, startTime: record.startTime)
    }

    static func monotonicNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
