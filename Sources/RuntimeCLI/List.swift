import ArgumentParser
import ContainerCore

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", _superCommandName: "runtime", abstract: "List containers.", aliases: ["ls"])
    @Option(name: [.customShort("f"), .long], help: "table or json.") var format = "table"
    @Flag(name: [.customShort("q"), .long], help: "Only ids.") var quiet = false

    func run() throws {
        let states = GlobalOptions.current.runtime.list()
        if quiet { states.forEach { FileOut.stdout($0.id + "\n") }; return }
        switch format {
        case "json": FileOut.stdout("[" + (try states.map(JSONText.listed).joined(separator: ",")) + "]\n")
        case "table":
            var rows = [["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"]]
            rows += states.map { [$0.id, String($0.pid), $0.status, $0.bundle, $0.created, $0.owner] }
            FileOut.stdout(Table.render(rows))
        default: throw RuntimeError("--format: must be table or json, not \"\(format)\"")
        }
    }
}

extension JSONText {
    /// One `list --format json` entry in runc's field order (list.go containerState): scripts
    /// match the text. `annotations` is left out when empty, as Go's omitempty does.
    static func listed(_ s: OCIStateOutput) throws -> String {
        var fields = [
            (key: "ociVersion", json: try compact(s.ociVersion)), (key: "id", json: try compact(s.id)),
            (key: "pid", json: String(s.pid)), (key: "status", json: try compact(s.status)),
            (key: "bundle", json: try compact(s.bundle)), (key: "rootfs", json: try compact(s.rootfs)),
            (key: "created", json: try compact(s.created))
        ]
        if let a = s.annotations, !a.isEmpty { fields.append((key: "annotations", json: try compact(a))) }
        fields.append((key: "owner", json: try compact(s.owner)))
        return try object(fields)
    }
}

enum Table {
    /// Left-aligned columns separated by at least two spaces, like runc's tabwriter output.
    static func render(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = (0..<first.count).map { col in rows.map { $0[col].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 3)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
