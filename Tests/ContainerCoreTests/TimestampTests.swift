import Glibc
import Testing
@testable import ContainerCore

/// runc writes `created` as RFC 3339 with nanoseconds, in UTC.
@Suite struct TimestampTests {
    @Test func rfc3339NanosecondsUTC() throws {
        let s = Timestamp.now()
        let shape = try #require(try Regex(#"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{9})Z$"#).wholeMatch(in: s))
        #expect(shape.count == 8)
        // The seconds agree with the clock (UTC, not local time).
        var tm = tm()
        var now = time(nil)
        gmtime_r(&now, &tm)
        let year = Int(s.prefix(4))
        #expect(year == Int(tm.tm_year) + 1900)
        let hour = Int(s.dropFirst(11).prefix(2))
        #expect(hour == Int(tm.tm_hour) || hour == (Int(tm.tm_hour) + 23) % 24)
    }

    @Test func nanosecondsArePaddedAndAdvance() {
        let a = Timestamp.now()
        let b = Timestamp.now()
        #expect(a.count == 30 && b.count == 30)
        #expect(a <= b)  // fixed width: string order is time order
    }
}

/// The calendar arithmetic against glibc's gmtime_r, over leap years and century edges.
@Suite struct TimestampCalendarTests {
    @Test(arguments: [Int64(0), 951_782_400, 951_868_799, 4_107_542_400, 1_795_692_425, 68_169_600, 1_709_251_199])
    func matchesGmtime(_ seconds: Int64) {
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        func p(_ v: Int32, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: w - s.count) + s }
        let expected =
            "\(p(tm.tm_year + 1900, 4))-\(p(tm.tm_mon + 1, 2))-\(p(tm.tm_mday, 2))T"
            + "\(p(tm.tm_hour, 2)):\(p(tm.tm_min, 2)):\(p(tm.tm_sec, 2)).000000042Z"
        #expect(Timestamp.format(seconds: seconds, nanoseconds: 42) == expected)
    }
}
