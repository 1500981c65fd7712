import OCISpec
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `exec` reads of the container's stored config: the process, root, and the parts of
/// `linux` that planning an exec uses (the namespaces to join, personality, memory policy,
/// seccomp). Decoding only these skips mounts, resources, devices, hooks and annotations,
/// about half of the config's decode. The bytes are the ones `StateStore.load` checked
/// against state.json's digest (a config of a format without digest was decoded whole there).
struct ExecConfig: Decodable {
    var process: Process?
    var root: Root?
    var linux: LinuxPart?

    struct LinuxPart: Decodable {
        var namespaces: [LinuxNamespace]?
        var seccomp: LinuxSeccomp?
        var personality: LinuxPersonality?
        var memoryPolicy: LinuxMemoryPolicy?
    }

    /// The container's config as a Spec holding just those parts.
    static func spec(of record: ContainerRecord) throws -> Spec {
        guard let bytes = record.config.bytes else { return try record.spec }
        let config: ExecConfig
        do { config = try SpecLoader.decode(ExecConfig.self, from: Data(bytes), file: "config.json") } catch {
            throw RuntimeError("the container's stored \(error)")
        }
        let linux = config.linux.map {
            Linux(namespaces: $0.namespaces, seccomp: $0.seccomp, personality: $0.personality, memoryPolicy: $0.memoryPolicy)
        }
        return Spec(process: config.process, root: config.root, linux: linux)
    }
}
