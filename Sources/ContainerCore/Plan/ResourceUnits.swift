/// The value syntaxes runc's CLI accepts, so the same command lines work with both runtimes.
public enum ResourceUnits {
    /// docker/go-units RAMInBytes: "1024", "32m", "1.5g", "64MiB", "512 kb" — binary
    /// multiples (k = 1024), case-insensitive, an optional "i" and "b" after the unit.
    /// "-1" (unlimited) is taken as is, as runc's `update` does before calling RAMInBytes.
    public static func ramInBytes(_ text: String) throws -> Int64 {
        if text == "-1" { return -1 }
        let invalid = RuntimeError("invalid size: '\(text)'")
        var chars = Array(text)
        func dropSuffix(_ set: Set<Character>) -> Character? {
            guard let last = chars.last, set.contains(last) else { return nil }
            chars.removeLast()
            return last
        }
        _ = dropSuffix(["b", "B"])
        let hadI = dropSuffix(["i", "I"]) != nil
        let unit = dropSuffix(["k", "K", "m", "M", "g", "G", "t", "T", "p", "P"])
        if hadI && unit == nil { throw invalid }
        if unit != nil, chars.last == " " { chars.removeLast() }
        let number = String(chars)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let value = Double(number)
        else { throw invalid }
        let shift: Double
        switch unit.map({ String($0).lowercased() }) {
        case nil: shift = 1
        case "k": shift = 1024
        case "m": shift = 1024 * 1024
        case "g": shift = 1024 * 1024 * 1024
        case "t": shift = 1024 * 1024 * 1024 * 1024
        default: shift = 1024 * 1024 * 1024 * 1024 * 1024
        }
        guard let bytes = Int64(exactly: (value * shift).rounded(.towardZero)) else { throw invalid }
        return bytes
    }

    /// Go's time.ParseDuration: "5s", "500ms", "1m30s", "1.5h", "250us", "0". Nanoseconds.
    public static func duration(_ text: String) throws -> Int64 {
        let invalid = RuntimeError("time: invalid duration \"\(text)\"")
        var s = Substring(text)
        var negative = false
        if let sign = s.first, sign == "-" || sign == "+" { negative = sign == "-"; s = s.dropFirst() }
        if s == "0" { return 0 }
        guard !s.isEmpty else { throw invalid }
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)
        ]
        var total = 0.0
        while !s.isEmpty {
            let number = s.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1,
                let value = Double(number.hasPrefix(".") ? "0" + number : number + (number.hasSuffix(".") ? "0" : ""))
            else {
                throw invalid
            }
            s = s.dropFirst(number.count)
            let unitText = s.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard !unitText.isEmpty else { throw RuntimeError("time: missing unit in duration \"\(text)\"") }
            guard let unit = units.first(where: { $0.0 == unitText }) else {
                throw RuntimeError("time: unknown unit \"\(unitText)\" in duration \"\(text)\"")
            }
            s = s.dropFirst(unitText.count)
            total += value * unit.1
        }
        guard let nanoseconds = Int64(exactly: total.rounded(.towardZero)) else { throw invalid }
        return negative ? -nanoseconds : nanoseconds
    }
}
