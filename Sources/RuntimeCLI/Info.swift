import ArgumentParser
import Cgroups
import ContainerCore
import Glibc
import OCISpec

struct SpecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec", _superCommandName: "runtime", abstract: "Write a default config.json (like `runc spec`).")
    @Option(name: [.customShort("b"), .long], help: "Directory to write config.json into.") var bundle = "."
    @Flag(help: "A config for an unprivileged user (user namespace, no cgroups).") var rootless = false

    func run() throws {
        let path = FileIO.absolute(bundle) + "/config.json"
        guard access(path, F_OK) != 0 else { throw RuntimeError("\(path): already exists; remove it first") }
        var spec = Spec.defaultSpec(rootless: rootless, uid: geteuid(), gid: getegid())
        // runc adds a cgroup namespace only on a pure cgroup v2 host: with v1 hierarchies the
        // container's view of /proc/self/cgroup and /sys/fs/cgroup would not match.
        if (try? CgroupLayout.detect())?.kind != .unified {
            spec.linux?.namespaces?.removeAll { $0.type == "cgroup" }
        }
        try FileIO.writeAtomically(path, Array(try spec.encodedJSON(pretty: true)), mode: 0o644)
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", _superCommandName: "runtime", abstract: "Check a bundle's config.json without running anything.")
    @Argument(help: "Bundle directory.") var bundle = "."

    func run() throws {
        let dir = FileIO.absolute(bundle)
        let spec: Spec
        do { spec = try SpecLoader.load(bundle: dir) } catch { throw RuntimeError.config(error) }
        let issues = SpecValidator.validate(spec, bundle: dir)
        if issues.isEmpty { FileOut.stdout("\(dir): valid\n"); return }
        issues.forEach { FileOut.stderr($0.description + "\n") }
        throw ExitCode(1)
    }
}

struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features", _superCommandName: "runtime", abstract: "Print the OCI features JSON of this runtime.")
    func run() throws {
        FileOut.stdout(String(decoding: try OCISpec.Features.thisRuntime.encodedJSON(pretty: true), as: UTF8.self) + "\n")
    }
}
