import Cgroups
import OCISpec
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the runtime keeps in `<root>/<id>/state.json`: the OCI state plus what later
/// commands need (start time against pid reuse, cgroup handle). The config itself is kept
/// beside it as `config.json`, byte for byte, and decoded only by the commands that use it
/// (exec, update, hooks): `state`, `kill` and `start` never pay for a JSON decode of it.
public struct ContainerRecord: Codable, Sendable {
    public var ociVersion: String
    public var id: String
    public var pid: Int32                // 0 while creating
    public var startTime: UInt64         // /proc/<pid>/stat field 22
    public var bundle: String
    public var rootfs: String
    public var created: String
    public var owner: String
    public var annotations: [String: String]?
    public var cgroup: CgroupHandle?
    /// The host's NOTIFY_SOCKET at create: `start` relays the container's READY=1 there.
    public var notifySocket: String?
    let config: StoredConfig

    public var spec: Spec {
        get { config.spec }
        set { config.replace(newValue) }
    }

    /// The config's hooks, without decoding a config that has none (`start`, `delete`).
    var hooks: Hooks? { config.mentions("\"hooks\"") ? spec.hooks : nil }

    init(ociVersion: String, id: String, pid: Int32, startTime: UInt64, bundle: String, rootfs: String,
         created: String, owner: String, annotations: [String: String]?, cgroup: CgroupHandle?, config: StoredConfig) {
        self.ociVersion = ociVersion
        self.id = id
        self.pid = pid
        self.startTime = startTime
        self.bundle = bundle
        self.rootfs = rootfs
        self.created = created
        self.owner = owner
        self.annotations = annotations
        self.cgroup = cgroup
        self.config = config
    }

    /// A record for a config given as a value (it is encoded when first saved).
    public init(ociVersion: String, id: String, pid: Int32, startTime: UInt64, bundle: String, rootfs: String,
                created: String, owner: String, annotations: [String: String]?, cgroup: CgroupHandle?, spec: Spec) {
        let config = StoredConfig(path: nil)
        config.replace(spec)
        self.init(ociVersion: ociVersion, id: id, pid: pid, startTime: startTime, bundle: bundle, rootfs: rootfs,
                  created: created, owner: owner, annotations: annotations, cgroup: cgroup, config: config)
    }

    enum CodingKeys: String, CodingKey {
        case ociVersion, id, pid, startTime, bundle, rootfs, created, owner, annotations, cgroup, notifySocket
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ociVersion = try c.decode(String.self, forKey: .ociVersion)
        id = try c.decode(String.self, forKey: .id)
        pid = try c.decode(Int32.self, forKey: .pid)
        startTime = try c.decode(UInt64.self, forKey: .startTime)
        bundle = try c.decode(String.self, forKey: .bundle)
        rootfs = try c.decode(String.self, forKey: .rootfs)
        created = try c.decode(String.self, forKey: .created)
        owner = try c.decode(String.self, forKey: .owner)
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
        cgroup = try c.decodeIfPresent(CgroupHandle.self, forKey: .cgroup)
        notifySocket = try c.decodeIfPresent(String.self, forKey: .notifySocket)
        config = StoredConfig(path: nil)   // StateStore.load points it at the file
    }
}

/// The container's config: the bytes as read at create (or re-encoded after `update`),
/// decoded on first use.
final class StoredConfig: @unchecked Sendable {
    private(set) var bytes: [UInt8]?
    private var decoded: Spec?
    private(set) var path: String?
    /// Bytes the state directory does not have yet (new container, or changed by update).
    private(set) var unsaved = false

    init(path: String?) { self.path = path }

    init(bytes: [UInt8], spec: Spec) {
        self.bytes = bytes
        self.decoded = spec
        self.unsaved = true
    }

    func attach(path: String) { self.path = path }

    var spec: Spec {
        if let decoded { return decoded }
        let raw = bytes ?? path.flatMap { FileIO.readRegular($0) } ?? []
        // Validated at create; a damaged file yields an empty config rather than a crash.
        let spec = (try? SpecLoader.decode(Data(raw), file: "config.json")) ?? Spec()
        decoded = spec
        return spec
    }

    /// Whether the raw config contains `needle` at all (a cheap test before decoding).
    func mentions(_ needle: String) -> Bool {
        if decoded != nil && bytes == nil { return true }
        guard let raw = bytes ?? path.flatMap({ FileIO.readRegular($0) }) else { return true }
        bytes = raw
        let n = Array(needle.utf8)
        guard n.count <= raw.count else { return false }
        for i in 0...(raw.count - n.count) where raw[i] == n[0] && Array(raw[i..<(i + n.count)]) == n { return true }
        return false
    }

    func replace(_ spec: Spec) {
        decoded = spec
        bytes = nil
        unsaved = true
    }

    /// The bytes to write, encoding only after a change.
    func bytesToSave() throws -> [UInt8] {
        if let bytes { return bytes }
        let encoded = Array(try JSONEncoder().encode(spec))
        bytes = encoded
        return encoded
    }

    func markSaved() { unsaved = false }
}
