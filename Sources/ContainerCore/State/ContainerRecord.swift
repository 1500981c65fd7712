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
/// (exec, update, hooks): `state`, `kill` and `start` never pay for a JSON decode of it. Its
/// digest is kept in state.json, so a damaged or swapped config.json is noticed by every command.
public struct ContainerRecord: Decodable, Sendable {
    public var ociVersion: String
    public var id: String
    public var pid: Int32  // 0 while creating
    public var startTime: UInt64  // /proc/<pid>/stat field 22
    public var bundle: String
    public var rootfs: String
    public var created: String
    public var owner: String
    /// Kept in state.json by older runtimes only; read from the config otherwise (`allAnnotations`).
    public var annotations: [String: String]?
    public var cgroup: CgroupHandle?
    /// The host's NOTIFY_SOCKET at create: `start` relays the container's READY=1 there.
    public var notifySocket: String?
    let config: StoredConfig

    /// The stored config, decoded on first use. A config.json that does not decode is an
    /// error, never an empty config (`exec` would otherwise run in the host's namespaces).
    public var spec: Spec { get throws { try config.spec() } }

    /// The config after `update`: re-encoded and saved with the next `StateStore.save`.
    public func replaceSpec(_ spec: Spec) { config.replace(spec) }

    /// The annotations `state` reports: from state.json (a container of an older runtime) or the config.
    var allAnnotations: [String: String]? { annotations ?? config.annotations() }

    /// The config's hooks, without decoding a config that has none (`start`, `delete`).
    func hooks() throws -> Hooks? { try config.mayHaveHooks() ? spec.hooks : nil }

    init(
        ociVersion: String, id: String, pid: Int32, startTime: UInt64, bundle: String, rootfs: String,
        created: String, owner: String, annotations: [String: String]?, cgroup: CgroupHandle?, config: StoredConfig
    ) {
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
    public init(
        ociVersion: String, id: String, pid: Int32, startTime: UInt64, bundle: String, rootfs: String,
        created: String, owner: String, annotations: [String: String]?, cgroup: CgroupHandle?, spec: Spec
    ) {
        let config = StoredConfig()
        config.replace(spec)
        self.init(
            ociVersion: ociVersion, id: id, pid: pid, startTime: startTime, bundle: bundle, rootfs: rootfs,
            created: created, owner: owner, annotations: annotations, cgroup: cgroup, config: config)
    }

    enum CodingKeys: String, CodingKey {
        case stateFormat, ociVersion, id, pid, startTime, bundle, rootfs, created, owner, annotations, notifySocket, configDigest
        // The cgroup handle: one object in format 1, flat fields since (StoredCgroup).
        case cgroup, cgroupKind, cgroupPaths, cgroupMounts, cgroupCreated, systemdUnit, systemdSlice, systemdName, systemdUser
    }

    /// state.json's layout: 2 keeps the cgroup handle flat (StoredCgroup). A file without
    /// the marker is format 1, written by an earlier runtime.
    static let currentFormat = 2

    /// The format a state.json was written in.
    static func format(_ c: KeyedDecodingContainer<CodingKeys>) throws -> Int {
        let format = try c.decodeIfPresent(Int.self, forKey: .stateFormat) ?? 1
        guard (1...currentFormat).contains(format) else {
            throw DecodingError.dataCorruptedError(
                forKey: .stateFormat, in: c, debugDescription: "state format \(format) was written by a newer runtime")
        }
        return format
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try Self.format(c)
        ociVersion = try c.decode(String.self, forKey: .ociVersion)
        id = try c.decode(String.self, forKey: .id)
        pid = try c.decode(Int32.self, forKey: .pid)
        startTime = try c.decode(UInt64.self, forKey: .startTime)
        bundle = try c.decode(String.self, forKey: .bundle)
        rootfs = try c.decode(String.self, forKey: .rootfs)
        created = try c.decode(String.self, forKey: .created)
        owner = try c.decode(String.self, forKey: .owner)
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
        cgroup = try StoredCgroup.decode(from: c, format: format)
        notifySocket = try c.decodeIfPresent(String.self, forKey: .notifySocket)
        // StateStore.load reads config.json and checks it against this digest.
        config = StoredConfig(expectedDigest: try c.decodeIfPresent(String.self, forKey: .configDigest))
    }

    /// state.json's bytes: compact, members in the order above. Written by hand, not with
    /// JSONEncoder: `create` writes the record twice, and the encoder's first use in a process
    /// cost ~500,000 instructions (a tenth of a `run`) in run-time type look-ups.
    func stateJSON() throws -> [UInt8] {
        var w = JSONObjectWriter()
        w.member(CodingKeys.stateFormat.stringValue, Int64(Self.currentFormat))
        w.member(CodingKeys.ociVersion.stringValue, ociVersion)
        w.member(CodingKeys.id.stringValue, id)
        w.member(CodingKeys.pid.stringValue, Int64(pid))
        w.member(CodingKeys.startTime.stringValue, startTime)
        w.member(CodingKeys.bundle.stringValue, bundle)
        w.member(CodingKeys.rootfs.stringValue, rootfs)
        w.member(CodingKeys.created.stringValue, created)
        w.member(CodingKeys.owner.stringValue, owner)
        if let cgroup { StoredCgroup.write(cgroup, into: &w) }
        if let notifySocket { w.member(CodingKeys.notifySocket.stringValue, notifySocket) }
        w.member(CodingKeys.configDigest.stringValue, try config.digestToSave())
        return w.finished()
    }
}
