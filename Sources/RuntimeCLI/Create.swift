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

    func run() throws {
        let request = options.request(id: id, positionalBundle: bundle)
        Log.debug("create \(id): bundle \(request.bundle)")
        let container = try GlobalOptions.current.runtime.create(request)
        Log.debug("create \(id): created, init pid \(container.record.pid)")
    }
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

    func run() throws {
        let request = options.request(id: id, positionalBundle: bundle)
        Log.debug("run \(id): bundle \(request.bundle)\(detach ? ", detached" : "")\(keep ? ", kept after exit" : "")")
        let code = try GlobalOptions.current.runtime.run(request, detach: detach, keep: keep)
        Log.debug("run \(id): \(detach ? "running" : "exited with \(code)")")
        throw ExitCode(code)
    }
}
