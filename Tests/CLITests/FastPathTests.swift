import ArgumentParser
import Testing
@testable import RuntimeCLI

/// The fast path must parse exactly what ArgumentParser parses, or step aside.
@Suite struct FastPathTests {
    /// A command's parsed values, comparable across both parsers.
    static func fields(_ command: ParsableCommand) -> [String] {
        func bundle(_ o: BundleValues) -> [String] {
            [o.bundle ?? "-", o.pidFile ?? "-", o.consoleSocket ?? "-", "\(o.noPivot)", "\(o.noNewKeyring)", "\(o.preserveFDs)"]
        }
        switch command {
        case let c as Create: return fields(c.invocation)
        case let c as Run: return fields(c.invocation)
        case let c as CreateInvocation: return ["create", c.id, c.bundle ?? "-"] + bundle(c.options)
        case let c as RunInvocation: return ["run", c.id, c.bundle ?? "-", "\(c.detach)", "\(c.keep)"] + bundle(c.options)
        case let c as Start: return fields(c.invocation)
        case let c as State: return fields(c.invocation)
        case let c as Kill: return fields(c.invocation)
        case let c as Delete: return fields(c.invocation)
        case let c as StartInvocation: return ["start", c.id]
        case let c as StateInvocation: return ["state", c.id]
        case let c as KillInvocation: return ["kill", c.id, c.signal, "\(c.all)"]
        case let c as DeleteInvocation: return ["delete", c.id, "\(c.force)"]
        case let c as Exec: return fields(c.invocation)
        case let c as ExecInvocation:
            let options = [c.processFile, c.cwd, c.user, c.consoleSocket, c.pidFile].map { $0 ?? "-" }
            let flags = [c.noNewPrivs, c.tty, c.detach, c.ignorePaused].map { "\($0)" }
            let lists = [c.env, c.additionalGids.map { "\($0)" }, c.caps, c.cgroups].map { $0.joined(separator: ",") }
            return ["exec", c.id, "\(c.preserveFDs)"] + options + flags + lists + c.args
        default: return ["other \(type(of: command))"]
        }
    }

    static let accepted: [[String]] = [
        ["create", "c1"], ["create", "c1", "/b"], ["create", "--bundle", "/b", "c1"], ["create", "-b", "/b", "c1"],
        [
            "create", "--bundle=/b", "--pid-file", "/p", "--console-socket=/s", "--no-pivot", "--no-new-keyring",
            "--preserve-fds", "2", "c1"
        ],
        ["create", "c1", "--pid-file=/p"],
        ["run", "c1"], ["run", "-d", "-b", "/b", "c1"], ["run", "--detach", "--keep", "c1", "/b"],
        ["start", "c1"], ["state", "c1"],
        ["kill", "c1"], ["kill", "c1", "KILL"], ["kill", "--all", "c1", "9"], ["kill", "-a", "c1"],
        ["kill", "c1", "0"], ["kill", "--all", "c1", "0"], ["kill", "c1", "RTMIN+2147483647"],
        ["delete", "c1"], ["delete", "-f", "c1"], ["delete", "--force", "c1"],
        ["exec", "c1", "/bin/true"], ["exec", "c1", "sh", "a b"], ["exec", "-t", "c1", "sh"], ["exec", "--tty", "c1", "sh"],
        [
            "exec", "--process", "/p.json", "--detach", "--pid-file=/p", "--console-socket", "/s", "--preserve-fds", "3",
            "--ignore-paused", "--no-new-privs", "c1"
        ],
        ["exec", "-p", "/p.json", "-d", "c1"], ["exec", "--cwd", "/tmp", "-u", "1000:1000", "c1", "id"],
        ["exec", "--user=0", "--cwd=/", "c1", "ls", "/"], ["exec", "-u", "-5", "c1", "id"], ["exec", "c1", "sh", "-c", "true"],
        ["exec", "--user=-5", "c1", "id"],
        ["exec", "c1", "sh", "--help"], ["exec", "c1", "sh", "--", "-x"], ["exec", "-t", "c1", "ls", "-l", "--tty"]
    ]

    @Test(arguments: accepted)
    func agreesWithArgumentParser(_ argv: [String]) throws {
        let fast = try #require(FastPath.command(argv))
        let full = try RuntimeCommand.parseAsRoot(argv)
        #expect(Self.fields(fast) == Self.fields(full))
    }

    /// The per-container commands come back as plain values: building ArgumentParser's
    /// property wrappers is what the fast path is there to skip.
    @Test func lifecycleCommandsAreInvocations() {
        #expect(FastPath.command(["create", "-b", "/b", "c1"]) is CreateInvocation)
        #expect(FastPath.command(["run", "-d", "c1"]) is RunInvocation)
        #expect(FastPath.command(["start", "c1"]) is StartInvocation)
        #expect(FastPath.command(["state", "c1"]) is StateInvocation)
        #expect(FastPath.command(["kill", "c1", "9"]) is KillInvocation)
        #expect(FastPath.command(["delete", "-f", "c1"]) is DeleteInvocation)
    }

    static let declined: [[String]] = [
        [], ["create"], ["create", "--help"], ["create", "-h", "c1"], ["create", "c1", "/b", "extra"],
        ["create", "--frob", "c1"], ["create", "--bundle"], ["create", "--preserve-fds", "x", "c1"],
        ["create", "--pid-file", "-x", "c1"], ["run", "--bundle", "--detach", "c1"],
        ["start"], ["start", "a", "b"], ["state", "--json", "c1"], ["kill", "c1", "TERM", "x"],
        ["delete", "--now", "c1"], ["list"], ["run", "--", "c1"],
        ["exec", "c1", "--", "sh"], ["exec", "--preserve-fds", "-1", "c1", "sh"], ["exec", "--cwd", "-x", "c1", "sh"],
        ["exec", "--pid-file=-p", "c1"], ["exec", "-t", "-t", "c1", "sh"], ["exec", "-d", "--detach", "c1", "id"],
        ["exec", "-p", "/a", "--process=/b", "c1"], ["exec", "--tty=1", "c1", "sh"], ["exec", "-p=/a", "c1"], ["exec", "-", "c1"],
        ["exec", "--cwd", "/a", "--cwd=/b", "c1", "sh"],
        ["exec", "--", "c1", "sh"], ["exec", "-e", "A=1", "c1", "sh"],
        ["exec", "--help"], ["exec", "-h", "c1", "sh"], ["exec", "-dt", "c1", "sh"], ["exec", "--preserve-fds", "x", "c1", "sh"],
        ["exec", "--cgroup", "x", "c1", "sh"], ["exec", "-d"]
    ]

    @Test(arguments: declined)
    func stepsAsideForAnythingElse(_ argv: [String]) {
        #expect(FastPath.command(argv) == nil)
    }
}
