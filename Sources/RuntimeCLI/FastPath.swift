import ArgumentParser

/// The argv shapes higher-level callers run for every container — `create`, `start`, `state`,
/// `kill`, `delete`, `run` with their runc flags — filled into the same command values that
/// ArgumentParser would produce (the plain invocation values those commands hand over),
/// without its reflection (~1.5 ms of each start-up here).
/// Anything unusual (help, `--`, an unknown flag, too many arguments) returns nil, and
/// ArgumentParser parses it, with its messages. CLITests check both agree.
enum FastPath {
    static func command(_ args: [String]) -> ParsableCommand? {
        guard let name = args.first else { return nil }
        var scanner = Scanner(Array(args.dropFirst()))
        switch name {
        case "create":
            guard let bundle = scanner.bundleOptions(), let pos = scanner.positionals(1...2) else { return nil }
            return CreateInvocation(bundle, id: pos[0], bundle: pos.count > 1 ? pos[1] : nil)
        case "run":
            guard let bundle = scanner.bundleOptions(extraFlags: ["-d", "--detach", "--keep"]),
                let pos = scanner.positionals(1...2)
            else { return nil }
            return RunInvocation(
                bundle, id: pos[0], bundle: pos.count > 1 ? pos[1] : nil,
                detach: scanner.flags.contains("-d") || scanner.flags.contains("--detach"),
                keep: scanner.flags.contains("--keep"))
        case "start", "state":
            guard scanner.onlyPositionals(), let pos = scanner.positionals(1...1) else { return nil }
            return name == "start" ? StartInvocation(id: pos[0]) : StateInvocation(id: pos[0])
        case "kill":
            guard scanner.takeFlags(["-a", "--all"]), let pos = scanner.positionals(1...2) else { return nil }
            return KillInvocation(id: pos[0], signal: pos.count > 1 ? pos[1] : Kill.defaultSignal, all: !scanner.flags.isEmpty)
        case "delete":
            guard scanner.takeFlags(["-f", "--force"]), let pos = scanner.positionals(1...1) else { return nil }
            return DeleteInvocation(id: pos[0], force: !scanner.flags.isEmpty)
        case "exec":
            return ExecInvocation.fastPath(Array(args.dropFirst()))
        default:
            return nil
        }
    }

    /// Splits arguments into known flags, known options and positionals; nil on anything else.
    struct Scanner {
        let args: [String]
        var flags: Set<String> = []
        var values: [String: String] = [:]
        var rest: [String] = []

        init(_ args: [String]) { self.args = args }

        mutating func scan(flagNames: Set<String>, optionNames: Set<String>) -> Bool {
            var i = 0
            while i < args.count {
                let arg = args[i]
                if arg.hasPrefix("-") && arg != "-" {
                    let parts = arg.split(separator: "=", maxSplits: 1).map(String.init)
                    if flagNames.contains(arg) {
                        flags.insert(arg)
                    } else if optionNames.contains(parts[0]), parts.count == 2 {
                        values[parts[0]] = parts[1]
                    } else if optionNames.contains(arg), i + 1 < args.count, !Self.looksLikeFlag(args[i + 1]) {
                        // A flag-like next word is a missing value to ArgumentParser: its error.
                        values[arg] = args[i + 1]; i += 1
                    } else {
                        return false
                    }
                } else {
                    rest.append(arg)
                }
                i += 1
            }
            return true
        }

        static func looksLikeFlag(_ word: String) -> Bool { word.hasPrefix("-") && word != "-" }

        mutating func takeFlags(_ names: Set<String>) -> Bool { scan(flagNames: names, optionNames: []) }
        mutating func onlyPositionals() -> Bool { scan(flagNames: [], optionNames: []) }

        func positionals(_ allowed: ClosedRange<Int>) -> [String]? {
            allowed.contains(rest.count) ? rest : nil
        }

        mutating func bundleOptions(extraFlags: Set<String> = []) -> BundleValues? {
            let options: Set = ["-b", "--bundle", "--pid-file", "--console-socket", "--preserve-fds"]
            guard scan(flagNames: extraFlags.union(["--no-pivot", "--no-new-keyring"]), optionNames: options) else { return nil }
            var b = BundleValues()
            b.bundle = values["-b"] ?? values["--bundle"]
            b.pidFile = values["--pid-file"]
            b.consoleSocket = values["--console-socket"]
            b.noPivot = flags.contains("--no-pivot")
            b.noNewKeyring = flags.contains("--no-new-keyring")
            if let fds = values["--preserve-fds"] {
                guard let n = Int32(fds), n >= 0 else { return nil }
                b.preserveFDs = n
            } else {
                b.preserveFDs = 0
            }
            return b
        }
    }
}
