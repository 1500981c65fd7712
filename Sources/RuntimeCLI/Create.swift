import ArgumentParser
import ContainerCore

struct BundleOptions: ParsableArguments {
    @Option(name: [.customShort("b"), .long], help: "Path to the bundle (default: current directory).")
    var bundle: String?
    @Option(name: .customLong("pid-file"), help: "Write the container's pid to this file.")
    var pidFile: String?
    @Option(name: .customLong("console-socket"), help: "Unix socket that receives the pty master (process.terminal).")
    var consoleSocket: String?
    @Flag(name: .customLong("no-pivot"), help: "Use MS_MOVE + chroot instead of pivot_root (for ramfs roots).")
    var noPivot = false
    @Flag(name: .customLong("no-new-keyring"), help: "Do not create a new session keyring.")
    var noNewKeyring = false
    @Option(name: .customLong("preserve-fds"), help: "Pass this many fds beyond stdio (3 …) to the container.")
    var preserveFDs: Int32 = 0

    var values: BundleValues {
        BundleValues(
            bundle: bundle, pidFile: pidFile, consoleSocket: consoleSocket, noPivot: noPivot,
            noNewKeyring: noNewKeyring, preserveFDs: preserveFDs)
    }
}

/// BundleOptions as a plain value (no property wrappers), for the invocations below.
struct BundleValues: Codable {
    var bundle: String?
    var pidFile: String?
    var consoleSocket: String?
    var noPivot = false
    var noNewKeyring = false
    var preserveFDs: Int32 = 0

    func request(id: String, positionalBundle: String?) -> CreateRequest {
        var request = CreateRequest(id: id, bundle: bundle ?? positionalBundle ?? ".", pidFile: pidFile)
        request.noPivot = noPivot
        request.preserveFDs = preserveFDs
        request.consoleSocket = consoleSocket
        request.noNewKeyring = noNewKeyring
        return request
    }
}

struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", _superCommandName: "runtime", abstract: "Create a container; its process waits for `start`.")
    @OptionGroup var options: BundleOptions
    @Argument(help: "Container id.") var id: String
    @Argument(help: "Bundle directory (same as --bundle).") var bundle: String?

    var invocation: CreateInvocation { CreateInvocation(options.values, id: id, bundle: bundle) }
    func run() throws { try invocation.run() }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", _superCommandName: "runtime", abstract: "Create and start a container, wait for it, delete it.")
    @OptionGroup var options: BundleOptions
    @Flag(name: [.customShort("d"), .long], help: "Detach: return once the container runs.")
    var detach = false
    @Flag(name: .customLong("keep"), help: "Do not delete the container after it exits.")
    var keep = false
    @Argument(help: "Container id.") var id: String
    @Argument(help: "Bundle directory (same as --bundle).") var bundle: String?

    var invocation: RunInvocation { RunInvocation(options.values, id: id, bundle: bundle, detach: detach, keep: keep) }
    func run() throws { try invocation.run() }
}
