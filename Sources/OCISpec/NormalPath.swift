/// Whether a path is already in the form lexical cleaning gives (Go's filepath.Clean):
/// callers return such a path as it is, without splitting and joining it again.
public enum NormalPath {
    /// Absolute, no empty, "." or ".." component, no trailing slash ("/" itself is normal).
    public static func isNormal(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in  // a create asks ~100 times: no index walk of a view
            let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
            guard bytes.first == slash else { return false }
            if bytes.count == 1 { return true }
            var component = 0  // length of the current component
            var dots = 0  // how many of its bytes are dots
            for b in bytes[1...] {
                if b == slash {
                    if component == 0 || dots == component && component <= 2 { return false }
                    component = 0
                    dots = 0
                } else {
                    component += 1
                    if b == dot { dots += 1 }
                }
            }
            return component > 0 && !(dots == component && component <= 2)
        }
    }
}
