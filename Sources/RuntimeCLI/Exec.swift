import ArgumentParser
import ContainerCore
import FoundationEssentials
import OCISpec

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", _superCommandName: "runtime", abstract: "Run a new process inside a running container.")
    @Option(name: [.customShort("p"), .customLong("process")], help: "process.json with the whole process (overrides args and flags).")
    var processFile: String?
    @Option(name: [.customShort("e"), .customLong("env")], help: "Set an environment variable (K=V).") var env: [String] = []
    @Option(name: .customLong("cwd"), help: "Working directory.") var cwd: String?
    @Option(name: [.customShort("u"), .long], parsing: .unconditional, help: "uid[:gid].") var user: String?
    @Option(name: [.customShort("g"), .customLong("additional-gids")], help: "Additional gid.") var additionalGids: [UInt32] = []
    @Option(name: [.customShort("c"), .customLong("cap")], help: "Add a capability (CAP_…).") var caps: [String] = []
    @Flag(name: .customLong("no-new-privs"), help: "Set no_new_privs.") var noNewPrivs = false
    @Flag(name: [.customShort("t"), .customLong("tty")], help: "Allocate a pty (with -d: needs --console-socket).") var tty = false
    @Option(name: .customLong("console-socket"), help: "Unix socket that receives the pty master.") var consoleSocket: String?
    @Flag(name: [.customShort("d"), .long], help: "Detach: return once the process runs.") var detach = false
    @Option(name: .customLong("pid-file"), help: "Write the process's pid to this file.") var pidFile: String?
    @Option(name: .customLong("preserve-fds"), help: "Pass this many fds beyond stdio.") var preserveFDs: Int32 = 0
    @Flag(name: .customLong("ignore-paused"), help: "Exec in a paused container too (the process runs once resumed).")
    var ignorePaused = false
    @Option(
        name: .customLong("cgroup"),
        help:
            "Run in an existing cgroup below the container's: SUB (every hierarchy) or CONTROLLERS:SUB (v1, e.g. cpu,memory:SUB; repeatable)."
    )
    var cgroups: [String] = []
    @Argument(help: "Container id.") var id: String
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments.") var args: [String] = []

    /// The values as the rest of `exec` takes them (the fast path makes the same directly).
    var invocation: ExecInvocation {
        ExecInvocation(
            processFile: processFile, env: env, cwd: cwd, user: user, additionalGids: additionalGids, caps: caps,
            noNewPrivs: noNewPrivs, tty: tty, consoleSocket: consoleSocket, detach: detach, pidFile: pidFile,
            preserveFDs: preserveFDs, ignorePaused: ignorePaused, cgroups: cgroups, id: id, args: args)
    }

    func run() throws { try invocation.run() }

    /// runc's `--user uid[:gid]`: both decimal, in range; "" means not given (runc).
    static func parseUser(_ text: String, base: User) throws -> User {
        if text.isEmpty { return base }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        func id(_ part: Substring, _ what: String) throws -> UInt32 {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt32(part) else {
                throw RuntimeError("--user: \(what) must be a number from 0 to \(UInt32.max) (uid[:gid]), got \"\(text)\"")
            }
            return n
        }
        var user = base
        user.uid = try id(parts[0], "uid")
        if parts.count == 2 { user.gid = try id(parts[1], "gid") }
        return user
    }
}
