/// The one way the planner narrows an integer for C: exactly, or a thrown error naming the
/// setting. The validator refuses these values first with the JSON path; this backstop
/// turns a value it missed into an error instead of a trap (a crash mid-`create`).
func narrowed<T: FixedWidthInteger>(_ value: some BinaryInteger, _ what: String) throws -> T {
    guard let exact = T(exactly: value) else {
        throw RuntimeError("\(what): \(value) is out of range \(T.min)...\(T.max)")
    }
    return exact
}

/// `seconds` as poll(2)'s milliseconds, or an error when it does not fit a C int.
func pollMilliseconds(seconds: Int, _ what: String) throws -> Int32 {
    let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    guard !overflow else { throw RuntimeError("\(what): \(seconds) seconds is out of range") }
    return try narrowed(millis, what)
}
