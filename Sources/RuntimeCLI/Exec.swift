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
    @Option(name: .customLong("cgroup"), help: "Run in a sub-cgroup (runc 1.1): not supported by this runtime.")
    var cgroups: [String] = []
    @Argument(help: "Container id.") var id: String
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments.") var args: [String] = []

    /// runc: a failure of `exec` itself exits 255, so that a caller can tell it from the
    /// process's own exit status; only a usage error (no command) exits 1.
    func run() throws {
        guard processFile != nil || !args.isEmpty else { throw RuntimeError("exec: give a command, or --process FILE") }
        let code: Int32
        do { code = try execute() } catch let error as ExitCode { throw error } catch {
            Log.error("exec failed: \(error)")
            throw ExitCode(255)
        }
        if code != 0 { throw ExitCode(code) }
    }

    private func execute() throws -> Int32 {
        if !cgroups.isEmpty {
            throw RuntimeError.unsupported("--cgroup: running the process in a sub-cgroup is not supported by this runtime")
        }
        let runtime = GlobalOptions.current.runtime
        Log.debug("exec \(id): building the process")
        var request: ExecRequest
        let program: String?
        if let processFile {
            let data: Data
            do { data = try SpecLoader.readFile(FileIO.absolute(processFile), name: processFile) } catch {
                throw RuntimeError("--process: \(error)")
            }
            let process: Process
            do { process = try SpecLoader.decode(Process.self, from: data, file: processFile) } catch { throw RuntimeError.config(error) }
            request = ExecRequest(id: id, process: process)
            program = process.args?.first
        } else {
            let args = args.first == "--" ? Array(args.dropFirst()) : args
            request = ExecRequest(id: id, changingContainersProcess: changes(args: args))
            program = args.first
        }
        request.consoleSocket = consoleSocket
        request.detach = detach
        request.pidFile = pidFile
        request.preserveFDs = preserveFDs
        request.ignorePaused = ignorePaused
        // runc: in the foreground, a terminal without a console socket is ours to relay.
        request.foregroundTerminal = !detach && consoleSocket == nil
        Log.debug("exec \(id): starting \(program ?? "?")\(detach ? " (detached)" : "")")
        let code = try runtime.exec(request)
        Log.debug("exec \(id): \(detach ? "detached" : "process exited with \(code)")")
        return code
    }

    /// The flags' changes to the container's own process (what `exec` starts from when given
    /// only args), applied by `exec` to the record it loads.
    private func changes(args: [String]) -> @Sendable (inout Process) throws -> Void {
        let (tty, env, cwd, user, additionalGids, noNewPrivs, caps) = (tty, env, cwd, user, additionalGids, noNewPrivs, caps)
        return { process in
            process.args = args
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
    }

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

extension Exec {
    /// The argv shapes callers run for every exec — flags, the id, then the command (none with
    /// --process: podman, containerd) — as FastPath does for the other per-container commands:
    /// ArgumentParser's reflection costs ~1 ms of each. After the command's first word every
    /// argument is the command's (ArgumentParser's passthrough). Anything else (repeatable or
    /// unknown flags, `--`, help) returns nil and goes to ArgumentParser. CLITests check both agree.
    static func fastPath(_ args: [String]) -> Exec? {
        let flags: Set = ["--detach", "--tty", "--no-new-privs", "--ignore-paused"]
        let options: Set = ["--process", "--cwd", "--user", "--console-socket", "--pid-file", "--preserve-fds"]
        let long = ["-d": "--detach", "-t": "--tty", "-p": "--process", "-u": "--user"]
        var seen: Set<String> = []
        var values: [String: String] = [:]
        var i = 0
        while i < args.count, args[i].hasPrefix("-") {
            let parts = args[i].split(separator: "=", maxSplits: 1).map(String.init)
            // "-p=x": ArgumentParser's own reading of a short name with "=".
            if parts.count == 2, !parts[0].hasPrefix("--") { return nil }
            let name = long[parts[0]] ?? parts[0]
            // Each at most once: what ArgumentParser makes of repeats is its business.
            guard seen.insert(name).inserted else { return nil }
            // A value that looks like a flag is one only --user takes (ArgumentParser's rule).
            func plain(_ value: String) -> Bool { !value.hasPrefix("-") || name == "--user" }
            if parts.count == 1, flags.contains(name) {
                i += 1
            } else if parts.count == 2, options.contains(name), plain(parts[1]) {
                values[name] = parts[1]
                i += 1
            } else if parts.count == 1, options.contains(name), i + 1 < args.count, plain(args[i + 1]) {
                values[name] = args[i + 1]
                i += 2
            } else {
                return nil
            }
        }
        guard i < args.count, !(args.dropFirst(i + 1).first?.hasPrefix("-") ?? false) else { return nil }
        var c = Exec()
        c.processFile = values["--process"]
        c.env = []
        c.cwd = values["--cwd"]
        c.user = values["--user"]
        c.additionalGids = []
        c.caps = []
        c.noNewPrivs = seen.contains("--no-new-privs")
        c.tty = seen.contains("--tty")
        c.consoleSocket = values["--console-socket"]
        c.detach = seen.contains("--detach")
        c.pidFile = values["--pid-file"]
        if let fds = values["--preserve-fds"] {
            guard let n = Int32(fds) else { return nil }
            c.preserveFDs = n
        } else {
            c.preserveFDs = 0
        }
        c.ignorePaused = seen.contains("--ignore-paused")
        c.cgroups = []
        c.id = args[i]
        c.args = Array(args[(i + 1)...])
        return c
    }
}
