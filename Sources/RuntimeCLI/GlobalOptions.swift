import ContainerCore
import Glibc

/// runc's global flags come before the command (`runtime --root R --log F create …`), as
/// conmon and containerd pass them. They are taken off argv before ArgumentParser runs.
struct GlobalOptions {
    nonisolated(unsafe) static var current = GlobalOptions()

    var root = GlobalOptions.defaultRoot

    /// Root: /run/runtime. Rootless (also uid 0 in a user namespace): $XDG_RUNTIME_DIR/runtime.
    static var defaultRoot: String { Rootless.defaultStateRoot() }
    var logPath: String?
    var logFormat = "text"
    var debug = false
    var systemdCgroup = false

    /// Splits argv into global options and the command's own arguments.
    static func extract(_ args: [String]) throws -> (GlobalOptions, [String]) {
        var options = GlobalOptions()
        var rest: [String] = []
        var i = 0
        func value(_ name: String) throws -> String {
            if let eq = args[i].firstIndex(of: "=") { return String(args[i][args[i].index(after: eq)...]) }
            i += 1
            guard i < args.count else { throw RuntimeError("option \(name) needs a value") }
            return args[i]
        }
        while i < args.count {
            let arg = args[i]
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            if !rest.isEmpty { rest.append(arg); i += 1; continue }  // after the command name
            switch name {
            case "--root": options.root = try value(name)
            case "--log": options.logPath = try value(name)
            case "--log-format": options.logFormat = try value(name)
            case "--debug": options.debug = true
            case "--systemd-cgroup": options.systemdCgroup = true
            case "--criu", "--rootless": _ = try value(name)  // accepted for runc compatibility
            default: rest.append(arg)
            }
            i += 1
        }
        guard ["text", "json"].contains(options.logFormat) else {
            throw RuntimeError("--log-format: must be text or json, not \"\(options.logFormat)\"")
        }
        return (options, rest)
    }

    var runtime: ContainerRuntime {
        var r = ContainerRuntime(root: root)
        r.systemdCgroup = systemdCgroup
        return r
    }
}
