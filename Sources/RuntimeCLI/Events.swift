import ArgumentParser
import ContainerCore
import FoundationEssentials

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", _superCommandName: "runtime",
        abstract: "Print container events as JSON lines: resource statistics and OOM kills.",
        discussion: "Without --stats, prints a stats event every --interval and an oom event on each "
            + "OOM kill until the container stops.")
    @Option(help: "Statistics interval, as a Go duration (5s, 500ms, 1m).") var interval = "5s"
    @Flag(help: "Print the statistics once and exit.") var stats = false
    @Argument(help: "Container id.") var id: String

    func run() throws {
        let nanos = try ResourceUnits.duration(interval)
        guard nanos > 0 else { throw RuntimeError("duration interval must be greater than 0") }
        let runtime = GlobalOptions.current.runtime
        if stats {
            FileOut.stdout(try JSONText.events(runtime.statsEvent(id: id)) + "\n")
            return
        }
        try runtime.watchEvents(
            id: id, intervalNanos: nanos,
            emit: { event in
                if let line = try? JSONText.events(event) { FileOut.stdout(line + "\n") }
            }, onError: { Log.error($0) })
    }
}

extension JSONText {
    /// Compact, one event per line, keys in runc's order: `type`, `id`, `data` (inside the
    /// data, sorted keys keep the output stable).
    static func events(_ event: ContainerEvent) throws -> String {
        var fields = [(key: "type", json: try compact(event.type)), (key: "id", json: try compact(event.id))]
        if let data = event.data { fields.append((key: "data", json: try compact(data))) }
        return try object(fields)
    }
}
