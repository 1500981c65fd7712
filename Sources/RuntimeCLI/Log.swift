import ContainerCore
import OCISpec
import Glibc

/// Errors go to stderr as one line, and to `--log` in runc's shape: conmon and containerd
/// read the last error from that file (`--log-format json`: {"level","msg","time"}).
enum Log {
    /// Whatever produced it, an error prints as one line.
    static func error(_ message: String) {
        let message = Quoting.oneLine(message)
        FileOut.stderr("runtime: " + message + "\n")
        write(level: "error", message)
    }

    /// Problems that do not fail the command (poststart/poststop hooks): stderr and `--log`.
    static func warning(_ message: String) {
        FileOut.stderr("runtime: warning: " + message + "\n")
        write(level: "warning", message)
    }

    /// `--debug`: each step of a command, to `--log` when given (where conmon and containerd
    /// look), else to stderr — as runc's logger does.
    static func debug(_ message: String) {
        guard GlobalOptions.current.debug else { return }
        if GlobalOptions.current.logPath == nil { FileOut.stderr("runtime: debug: " + message + "\n") }
        write(level: "debug", message)
    }

    private static func write(level: String, _ message: String) {
        guard let path = GlobalOptions.current.logPath else { return }
        let line: String
        if GlobalOptions.current.logFormat == "json" {
            line = "{\"level\":\"\(level)\",\"msg\":\(jsonString(message)),\"time\":\"\(Timestamp.now())\"}\n"
        } else {
            line = "time=\"\(Timestamp.now())\" level=\(level) msg=\(jsonString(message))\n"
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

enum FileOut {
    static func stdout(_ s: String) { put(1, s) }
    static func stderr(_ s: String) { put(2, s) }
    private static func put(_ fd: Int32, _ s: String) {
        var bytes = Array(s.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
