import Glibc

/// The one error type of the runtime layer: a single line a user can act on.
public struct RuntimeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// `what: strerror(err)` — errno becomes a message once, at the syscall boundary.
    public static func errno(_ what: String, _ err: Int32 = Glibc.errno) -> RuntimeError {
        RuntimeError("\(what): \(String(cString: strerror(err)))")
    }
}
