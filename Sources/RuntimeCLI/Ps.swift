import ArgumentParser
import ContainerCore

struct Ps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps", _superCommandName: "runtime",
        abstract: "List the processes of a container.",
        discussion: "Table: the host's `ps` (default `ps -ef`) filtered to the container's processes; "
            + "everything after the id is passed to ps. json: the array of host pids.")
    @Option(name: [.customShort("f"), .long], help: "table or json.") var format = "table"
    @Argument(help: "Container id.") var id: String
    @Argument(parsing: .captureForPassthrough, help: "Arguments for ps (default -ef).") var psArguments: [String] = []

    func run() throws {
        let runtime = GlobalOptions.current.runtime
        switch format {
        case "json":
            // runc prints Go's encoding of []int: no spaces.
            let pids = try runtime.processes(id: id)
            FileOut.stdout("[" + pids.map(String.init).joined(separator: ",") + "]\n")
        case "table":
            var args = psArguments
            if args.first == "--" { args.removeFirst() }
            FileOut.stdout(try runtime.processTable(id: id, psArguments: args))
        default:
            throw RuntimeError("--format: must be table or json, not \"\(format)\"")
        }
    }
}
