import Glibc

/// Problems that do not fail the command (a poststart or poststop hook failing):
/// one line on stderr, prefixed so callers can tell it from the container's output.
public enum Warnings {
    nonisolated(unsafe) public static var sink: (String) -> Void = { message in
        let line = "runtime: warning: " + message + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }

    /// Set by the CLI under --debug.
    nonisolated(unsafe) public static var debugSink: ((String) -> Void)?

    static func emit(_ message: String) { sink(message) }
    static func debug(_ message: String) { debugSink?(message) }
}
