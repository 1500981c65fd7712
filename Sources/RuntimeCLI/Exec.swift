import ArgumentParser
import ContainerCore
import OCISpec

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "exec", _superCommandName: "runtime", abstract: "Run a new process inside a running container.")
    @Option(name: .customLong("process"), help: "process.json with the whole process (overrides args and flags).")
    var processFile: String?
    @Option(name: [.customShort("e"), .customLong("env")], help: "Set an environment variable (K=V).") var env: [String] = []
    @Option(name: .customLong("cwd"), help: "Working directory.") var cwd: String?
    @Option(name: [.customShort("u"), .long], help: "uid[:gid].") var user: String?
    @Option(name: [.customShort("g"), .customLong("additional-gids")], help: "Additional gid.") var additionalGids: [UInt32] = []
    @Option(name: [.customShort("c"), .customLong("cap")], help: "Add a capability (CAP_…).") var caps: [String] = []
    @Flag(name: .customLong("no-new-privs"), help: "Set no_new_privs.") var noNewPrivs = false
    @Flag(name: [.customShort("t"), .customLong("tty")], help: "Allocate a pty (needs --console-socket).") var tty = false
    @Option(name: .customLong("console-socket"), help: "Unix socket that receives the pty master.") var consoleSocket: String?
    @Flag(name: [.customShort("d"), .long], help: "Detach: return once the process runs.") var detach = false
    @Option(name: .customLong("pid-file"), help: "Write the process's pid to this file.") var pidFile: String?
    @Option(name: .customLong("preserve-fds"), help: "Pass this many fds beyond stdio.") var preserveFDs: Int32 = 0
    @Argument(help: "Container id.") var id: String
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments.") var args: [String] = []

    func run() throws {
        let runtime = GlobalOptions.current.runtime
        var process: Process
        if let processFile {
            // Read errors too become a RuntimeError: main logs those to stderr and --log.
            do {
                let data = try SpecLoader.readFile(FileIO.absolute(processFile), name: processFile)
                process = try SpecLoader.decode(Process.self, from: data, file: processFile)
            } catch { throw RuntimeError(String(describing: error)) }
        } else {
            guard !args.isEmpty else { throw RuntimeError("exec: give a command, or --process FILE") }
            process = try runtime.containerProcess(id: id)
            process.args = args.first == "--" ? Array(args.dropFirst()) : args
            process.terminal = tty
            process.consoleSize = nil
            process.env = (process.env ?? []) + env
            if let cwd { process.cwd = cwd }
            if let user { process.user = try Self.parseUser(user, base: process.resolvedUser) }
            if !additionalGids.isEmpty { process.user?.additionalGids = additionalGids }
            if noNewPrivs { process.noNewPrivileges = true }
            if !caps.isEmpty {
                var c = process.capabilities ?? LinuxCapabilities()
                for cap in caps {
                    c.bounding = (c.bounding ?? []) + [cap]; c.effective = (c.effective ?? []) + [cap]
                    c.permitted = (c.permitted ?? []) + [cap]
                }
                process.capabilities = c
            }
        }
        var request = ExecRequest(id: id, process: process)
        request.consoleSocket = consoleSocket
        request.detach = detach
        request.pidFile = pidFile
        request.preserveFDs = preserveFDs
        let code = try runtime.exec(request)
        if code != 0 { throw ExitCode(code) }
    }

    static func parseUser(_ text: String, base: User) throws -> User {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let uid = UInt32(parts[0]), parts.count == 1 || UInt32(parts[1]) != nil else {
            throw RuntimeError("--user: expected uid[:gid], got \"\(text)\"")
        }
        var user = base
        user.uid = uid
        if parts.count == 2 { user.gid = UInt32(parts[1])! }
        return user
    }
}
