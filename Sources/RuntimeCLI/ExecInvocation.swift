import ArgumentParser
import Cgroups
import ContainerCore
import FoundationEssentials
import OCISpec

/// `exec`'s parsed command line and what runs it. A plain value (no property wrappers), so
/// that the fast path (ExecFastPath) can fill it in without ArgumentParser's reflection;
/// `Exec` is the definition ArgumentParser parses (help, usage errors) and hands over this.
struct ExecInvocation: ParsableCommand {
    var processFile: String?
    var env: [String] = []
    var cwd: String?
    var user: String?
    var additionalGids: [UInt32] = []
    var caps: [String] = []
    var noNewPrivs = false
    var tty = false
    var consoleSocket: String?
    var detach = false
    var pidFile: String?
    var preserveFDs: Int32 = 0
    var ignorePaused = false
    var cgroups: [String] = []
    var id = ""
    var args: [String] = []

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
        let runtime = GlobalOptions.current.runtime
        Log.debug("exec \(id): building the process")
        var request: ExecRequest
        let program: String?
        if let processFile {
            let data: Data
            do { data = try SpecLoader.readCallersFile(FileIO.absolute(processFile), name: processFile) } catch {
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
        request.subCgroups = try SubCgroups.parse(cgroups)
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
            if let user { process.user = try Exec.parseUser(user, base: process.resolvedUser) }
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
}
