import Glibc
import OCISpec

/// The one error type of the runtime layer: a kind callers and tests can match, a single
/// line a user can act on, and the error underneath (if another layer's).
public struct RuntimeError: Error, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// No container with that id.
        case notFound
        /// The id is taken.
        case alreadyExists
        /// The operation does not apply in the container's current status.
        case invalidState
        /// A config (config.json, an `exec --process` file, `update --resources`) refused:
        /// the file and, where known, the JSON path.
        case invalidConfig(file: String, path: String?)
        /// A system call failed with this errno.
        case systemCall(Int32)
        /// Not implemented here, or not possible on this host.
        case unsupported
        /// Anything else (a step of the set-up, a hook, a damaged state file).
        case failed
    }

    public let kind: Kind
    public let description: String
    public let underlying: (any Error)?

    public init(_ description: String, kind: Kind = .failed, underlying: (any Error)? = nil) {
        self.kind = kind
        self.description = description
        self.underlying = underlying
    }

    /// `what: strerror(err)` — errno becomes a message once, at the syscall boundary.
    public static func errno(_ what: String, _ err: Int32 = Glibc.errno) -> RuntimeError {
        RuntimeError("\(what): \(String(cString: strerror(err)))", kind: .systemCall(err))
    }

    public static func notFound(_ id: String) -> RuntimeError {
        RuntimeError("container \"\(id)\" does not exist", kind: .notFound)
    }

    public static func alreadyExists(_ id: String) -> RuntimeError {
        RuntimeError("container \"\(id)\" already exists", kind: .alreadyExists)
    }

    public static func invalidState(_ message: String) -> RuntimeError {
        RuntimeError(message, kind: .invalidState)
    }

    public static func unsupported(_ message: String) -> RuntimeError {
        RuntimeError(message, kind: .unsupported)
    }

    /// A refused config: decoding errors and validation issues keep their file and JSON path.
    public static func config(_ error: any Error) -> RuntimeError {
        switch error {
        case let issue as ValidationIssue:
            return RuntimeError(issue.description, kind: .invalidConfig(file: issue.file, path: issue.path), underlying: issue)
        case let decoding as SpecError:
            return RuntimeError(decoding.description, kind: .invalidConfig(file: decoding.file, path: decoding.path), underlying: decoding)
        case let runtime as RuntimeError:
            return runtime
        default:
            return RuntimeError(String(describing: error), kind: .invalidConfig(file: "config.json", path: nil), underlying: error)
        }
    }

    /// The process exit status for this error. runc exits 1 for every failure and callers
    /// (conmon, containerd's shim) only test for non-zero; `exec` maps its own failures to
    /// 255 separately, so a caller can tell them from the process's status.
    public var exitCode: Int32 {
        switch kind {
        case .notFound, .alreadyExists, .invalidState, .invalidConfig, .systemCall, .unsupported, .failed: return 1
        }
    }
}
