/// Whether a path is already in the form lexical cleaning gives (Go's filepath.Clean):
/// callers return such a path as it is, without splitting and joining it again.
public enum NormalPath {
    /// Absolute, no empty, "." or ".." component, no trailing slash ("/" itself is normal).
    public static func isNormal(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var component = 0  // length of the current component
        var dots = 0  // how many of its bytes are dots
        for (i, b) in path.utf8.enumerated() {
            if b == slash {
                if i > 0 && (component == 0 || dots == component && component <= 2) { return false }
                component = 0
                dots = 0
            } else {
                if i == 0 { return false }
                component += 1
                if b == dot { dots += 1 }
            }
        }
        return path == "/" || (component > 0 && !(dots == component && component <= 2))
    }
}
