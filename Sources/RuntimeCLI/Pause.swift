import ArgumentParser
import ContainerCore

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", _superCommandName: "runtime", abstract: "Suspend every process of a container (cgroup freezer).")
    @Argument(help: "Container id.") var id: String
    func run() throws { try GlobalOptions.current.runtime.pause(id: id) }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", _superCommandName: "runtime", abstract: "Resume the processes of a paused container.")
    @Argument(help: "Container id.") var id: String
    func run() throws { try GlobalOptions.current.runtime.resume(id: id) }
}
