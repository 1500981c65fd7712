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
        #expect(a <= b)   // fixed width: string order is time order
    }
}
