import ArgumentParser
import ContainerCore

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", _superCommandName: "runtime", abstract: "Run the user process of a created container.")
    @Argument(help: "Container id.") var id: String
    func run() throws {
        Log.debug("start \(id): starting the user process")
        try GlobalOptions.current.runtime.start(id: id)
        Log.debug("start \(id): started")
    }
}

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", _superCommandName: "runtime", abstract: "Print the state of a container as JSON.")
    @Argument(help: "Container id.") var id: String
    func run() throws {
        let state = try GlobalOptions.current.runtime.state(id: id)
        FileOut.stdout(try JSONText.state(state) + "\n")
    }
}

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", _superCommandName: "runtime", abstract: "Send a signal (default SIGTERM) to the container's init.")
    @Flag(name: [.customShort("a"), .long], help: "Signal every process in the container.")
    var all = false
    @Argument(help: "Container id.") var id: String
    static let defaultSignal = "SIGTERM"
    @Argument(help: "Signal: name (TERM, SIGTERM) or number.") var signal: String = Kill.defaultSignal
    func run() throws {
        let number = try Signals.parse(signal)
        Log.debug("kill \(id): signal \(number)\(all ? " to every process" : "")")
        try GlobalOptions.current.runtime.kill(id: id, signal: number, all: all)
    }
}

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", _superCommandName: "runtime", abstract: "Delete a stopped (or created) container.")
    @Flag(name: [.customShort("f"), .long], help: "Kill a running container first.")
    var force = false
    @Argument(help: "Container id.") var id: String
    func run() throws {
        Log.debug("delete \(id)\(force ? ": forced" : "")")
        try GlobalOptions.current.runtime.delete(id: id, force: force)
        Log.debug("delete \(id): deleted")
    }
}
