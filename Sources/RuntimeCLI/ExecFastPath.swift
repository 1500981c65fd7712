extension ExecInvocation {
    /// The argv shapes callers run for every exec — flags, the id, then the command (none with
    /// --process: podman, containerd) — as FastPath does for the other per-container commands:
    /// ArgumentParser's reflection costs ~1 ms of each. After the command's first word every
    /// argument is the command's (ArgumentParser's passthrough). Anything else (repeatable or
    /// unknown flags, `--`, help) returns nil and goes to ArgumentParser. CLITests check both
    /// agree. Arrays and a switch, no Set or Dictionary: their first use costs type metadata.
    static func fastPath(_ args: [String]) -> ExecInvocation? {
        var c = ExecInvocation()
        var seen: [String] = []
        var i = 0
        while i < args.count, args[i].hasPrefix("-") {
            let parts = args[i].split(separator: "=", maxSplits: 1).map(String.init)
            // "-p=x": ArgumentParser's own reading of a short name with "=".
            if parts.count == 2, !parts[0].hasPrefix("--") { return nil }
            let name = longName(parts[0])
            // Each at most once: what ArgumentParser makes of repeats is its business.
            if seen.contains(name) { return nil }
            seen.append(name)
            var value: String?
            if parts.count == 2 {
                value = parts[1]
            } else if i + 1 < args.count, takesValue(name) {
                value = args[i + 1]
                i += 1
            }
            i += 1
            // A value that looks like a flag is one only --user takes (ArgumentParser's rule).
            if let value, value.hasPrefix("-"), name != "--user" { return nil }
            guard c.set(name, value) else { return nil }
        }
        guard i < args.count, !(args.dropFirst(i + 1).first?.hasPrefix("-") ?? false) else { return nil }
        c.id = args[i]
        c.args = Array(args[(i + 1)...])
        return c
    }

    private static func longName(_ name: String) -> String {
        switch name {
        case "-d": "--detach"
        case "-t": "--tty"
        case "-p": "--process"
        case "-u": "--user"
        default: name
        }
    }

    private static func takesValue(_ name: String) -> Bool {
        switch name {
        case "--process", "--cwd", "--user", "--console-socket", "--pid-file", "--preserve-fds": true
        default: false
        }
    }

    /// A flag takes no value, an option exactly one; false for anything else.
    private mutating func set(_ name: String, _ value: String?) -> Bool {
        switch (name, value) {
        case ("--detach", nil): detach = true
        case ("--tty", nil): tty = true
        case ("--no-new-privs", nil): noNewPrivs = true
        case ("--ignore-paused", nil): ignorePaused = true
        case ("--process", let v?): processFile = v
        case ("--cwd", let v?): cwd = v
        case ("--user", let v?): user = v
        case ("--console-socket", let v?): consoleSocket = v
        case ("--pid-file", let v?): pidFile = v
        case ("--preserve-fds", let v?):
            guard let n = Int32(v) else { return false }
            preserveFDs = n
        default: return false
        }
        return true
    }
}
