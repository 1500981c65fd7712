import Glibc
import OCISpec

/// The one error type of the Cgroups layer. Every case carries what a user needs
/// to act: the file, the value written, and the errno text — never a bare errno.
public struct CgroupError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    /// errno of the failing syscall, when there was one.
    public var errno: Int32?

    public init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    public var description: String { Quoting.oneLine("cgroup: " + message) }

    static func sys(_ what: String, _ err: Int32) -> CgroupError {
        CgroupError("\(what): \(errnoText(err))", errno: err)
    }

    static func writing(_ value: String, to path: String, _ err: Int32) -> CgroupError {
        CgroupError("writing \(quoted(value)) to \(path): \(errnoText(err))", errno: err)
    }
}

func errnoText(_ err: Int32) -> String {
    String(cString: strerror(err))
}

/// Go-style quoting for values in messages, so a trailing newline or an empty
/// string is visible (one rule for every layer: OCISpec's).
func quoted(_ s: String) -> String {
    Quoting.quoted(s)
}
