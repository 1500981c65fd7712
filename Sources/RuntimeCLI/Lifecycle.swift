import ArgumentParser
import ContainerCore

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", _superCommandName: "runtime", abstract: "Run the user process of a created container.")
    @Argument(help: "Container id.") var id: String
    func run() throws { try GlobalOptions.current.runtime.start(id: id) }
}

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "state", _superCommandName: "runtime", abstract: "Print the state of a container as JSON.")
    @Argument(help: "Container id.") var id: String
    func run() throws {
        let state = try GlobalOptions.current.runtime.state(id: id)
        FileOut.stdout(try JSONText.pretty(state) + "\n")
    }
}

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", _superCommandName: "runtime", abstract: "Send a signal (default SIGTERM) to the container's init.")
    @Flag(name: [.customShort("a"), .long], help: "Signal every process in the container.")
    var all = false
    @Argument(help: "Container id.") var id: String
    static let defaultSignal = "SIGTERM"
    @Argument(help: "Signal: name (TERM, SIGTERM) or number.") var signal: String = Kill.defaultSignal
    func run() throws {
        try GlobalOptions.current.runtime.kill(id: id, signal: Signals.parse(signal), all: all)
    }
}

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", _superCommandName: "runtime", abstract: "Delete a stopped (or created) container.")
    @Flag(name: [.customShort("f"), .long], help: "Kill a running container first.")
    var force = false
    @Argument(help: "Container id.") var id: String
    func run() throws { try GlobalOptions.current.runtime.delete(id: id, force: force) }
}
