import CShim
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// config-linux.md "Seccomp": with SCMP_ACT_NOTIFY the runtime connects to `listenerPath`
/// and sends the container process state as JSON, with the listener fd as SCM_RIGHTS.
enum SeccompAgent {
    struct ContainerProcessState: Encodable {
        var ociVersion: String
        var fds: [String]
        var pid: Int32
        var metadata: String?
        var state: OCIStateOutput
    }

    static func send(listener: Int32, to path: String, metadata: String?, pid: Int32, state: OCIStateOutput) throws {
        defer { close(listener) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let payload = Array(
            try encoder.encode(
                ContainerProcessState(
                    ociVersion: state.ociVersion, fds: ["seccompFd"], pid: pid, metadata: metadata, state: state)))
        let sock = try ConsoleSocket.connect(path: path, what: "linux.seccomp.listenerPath")
        defer { close(sock) }
        let r = payload.withUnsafeBytes { shim_send_fd(sock, $0.baseAddress, $0.count, listener) }
        guard r == 0 else { throw RuntimeError.errno("sending the seccomp listener to \(path)", -r) }
    }
}
