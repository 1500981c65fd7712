import ArgumentParser
import ContainerCore

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", _superCommandName: "runtime", abstract: "Run the user process of a created container.")
    @Argument(help: "Container id.") var id: String
    var invocation: StartInvocation { StartInvocation(id: id) }
    func run() throws { try invocation.run() }
}

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", _superCommandName: "runtime", abstract: "Print the state of a container as JSON.")
    @Argument(help: "Container id.") var id: String
    var invocation: StateInvocation { StateInvocation(id: id) }
    func run() throws { try invocation.run() }
}

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", _superCommandName: "runtime", abstract: "Send a signal (default SIGTERM) to the container's init.")
    @Flag(name: [.customShort("a"), .long], help: "Signal every process in the container.")
    var all = false
    @Argument(help: "Container id.") var id: String
    static let defaultSignal = "SIGTERM"
    @Argument(help: "Signal: name (TERM, SIGTERM) or number.") var signal: String = Kill.defaultSignal
    var invocation: KillInvocation { KillInvocation(id: id, signal: signal, all: all) }
    func run() throws { try invocation.run() }
}

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", _superCommandName: "runtime", abstract: "Delete a stopped (or created) container.")
    @Flag(name: [.customShort("f"), .long], help: "Kill a running container first.")
    var force = false
    @Argument(help: "Container id.") var id: String
    var invocation: DeleteInvocation { DeleteInvocation(id: id, force: force) }
    func run() throws { try invocation.run() }
}
