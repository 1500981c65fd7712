import ArgumentParser
import Testing
@testable import RuntimeCLI

/// The fast path must parse exactly what ArgumentParser parses, or step aside.
@Suite struct FastPathTests {
    /// A command's parsed values, comparable across both parsers.
    static func fields(_ command: ParsableCommand) -> [String] {
        func bundle(_ o: BundleOptions) -> [String] {
            [o.bundle ?? "-", o.pidFile ?? "-", o.consoleSocket ?? "-", "\(o.noPivot)", "\(o.noNewKeyring)", "\(o.preserveFDs)"]
        }
        switch command {
        case let c as Create: return ["create", c.id, c.bundle ?? "-"] + bundle(c.options)
        case let c as Run: return ["run", c.id, c.bundle ?? "-", "\(c.detach)", "\(c.keep)"] + bundle(c.options)
        case let c as Start: return ["start", c.id]
        case let c as State: return ["state", c.id]
        case let c as Kill: return ["kill", c.id, c.signal, "\(c.all)"]
        case let c as Delete: return ["delete", c.id, "\(c.force)"]
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
        ["delete", "c1"], ["delete", "-f", "c1"], ["delete", "--force", "c1"]
    ]

    @Test(arguments: accepted)
    func agreesWithArgumentParser(_ argv: [String]) throws {
        let fast = try #require(FastPath.command(argv))
        let full = try RuntimeCommand.parseAsRoot(argv)
        #expect(Self.fields(fast) == Self.fields(full))
    }

    static let declined: [[String]] = [
        [], ["create"], ["create", "--help"], ["create", "-h", "c1"], ["create", "c1", "/b", "extra"],
        ["create", "--frob", "c1"], ["create", "--bundle"], ["create", "--preserve-fds", "x", "c1"],
        ["start"], ["start", "a", "b"], ["state", "--json", "c1"], ["kill", "c1", "TERM", "x"],
        ["delete", "--now", "c1"], ["list"], ["exec", "c1", "sh"], ["run", "--", "c1"]
    ]

    @Test(arguments: declined)
    func stepsAsideForAnythingElse(_ argv: [String]) {
        #expect(FastPath.command(argv) == nil)
    }
}
