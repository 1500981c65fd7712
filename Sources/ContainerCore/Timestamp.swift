import Glibc

/// RFC 3339 with nanoseconds in UTC, as runc writes `created`.
public enum Timestamp {
    public static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var tm = tm()
        var secs = ts.tv_sec
        gmtime_r(&secs, &tm)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v); return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let nanos = String(ts.tv_nsec)
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T"
            + "\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2))."
            + String(repeating: "0", count: 9 - nanos.count) + nanos + "Z"
    }
}
