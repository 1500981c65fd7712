import ArgumentParser
import Cgroups
import ContainerCore
import Glibc

@main
struct RuntimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Every command names itself: deriving names from type names costs ~1 ms of
        // runtime reflection at each start-up.
        commandName: "runtime",
        abstract: "An OCI container runtime.",
        discussion: "Global options (before the command): --root DIR, --log FILE, --log-format text|json, --debug.",
        version: VersionInfo.text,
        subcommands: [
            Create.self, Start.self, State.self, Kill.self, Delete.self, Run.self, List.self,
            SpecCommand.self, Validate.self, Features.self,
            Ps.self, Pause.self, Resume.self, Update.self, Events.self, Exec.self
        ])

    static func main() {
        // A reader that goes away (a hook that ignores its stdin, `list | head`) must cost
        // an EPIPE, not the runtime half-way through a lifecycle step.
        signal(SIGPIPE, SIG_IGN)
        Warnings.sink = { Log.warning($0) }
        do {
            let (globals, rest) = try GlobalOptions.extract(arguments())
            GlobalOptions.current = globals
            if globals.debug { Warnings.debugSink = { Log.debug($0) } }
            // Only `create` and `run` make a cgroup; the other commands accept the flag anywhere.
            if globals.systemdCgroup, ["create", "run"].contains(rest.first ?? ""), !SystemdCgroups.isRunning {
                throw RuntimeError.unsupported(SystemdCgroups.notRunningMessage)
            }
            // runc's global -v is --version.
            let args = rest.first == "-v" ? ["--version"] + rest.dropFirst() : rest
            var command = try FastPath.command(args) ?? directCommand(args) ?? parseAsRoot(args)
            try command.run()
        } catch let error as RuntimeError {
            Log.error(error.description)
            Glibc.exit(error.exitCode)
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)  // `run`'s container exit code: no message machinery
        } catch let error as CgroupError {
            Log.error(error.description)
            Glibc.exit(1)
        } catch {
            // Usage errors, --help and --version: ArgumentParser prints and picks the code.
            Self.exit(withError: error)
        }
    }
}

extension RuntimeCommand {
    /// argv after the program name, decoded as `CommandLine.arguments` decodes it (invalid
    /// UTF-8 repaired), without its one-time set-up, which demangles a type name (~25,000
    /// instructions, 2.5% of a `state`).
    static func arguments() -> [String] {
        var args: [String] = []
        for i in 1..<Int(max(CommandLine.argc, 1)) {
            if let arg = CommandLine.unsafeArgv[i] { args.append(String(cString: arg)) }
        }
        return args
    }

    /// `runtime create …` parses as the `create` command alone: ArgumentParser then builds no
    /// tree of every subcommand and skips its completion-script probe (which the subcommands
    /// opt out of with `_superCommandName`), about 1 ms of every invocation. Anything else
    /// (help, unknown names) goes through the full parser.
    static func directCommand(_ args: [String]) throws -> ParsableCommand? {
        guard let name = args.first, !name.hasPrefix("-") else { return nil }
        for type in configuration.subcommands {
            let c = type.configuration
            if c.commandName == name || c.aliases.contains(name) {
                return try type.parseAsRoot(Array(args.dropFirst()))
            }
        }
        return nil
    }
}

enum VersionInfo {
    static var text: String { "runtime version \(RuntimeVersion.version)\nspec: 1.2.0" }
}
