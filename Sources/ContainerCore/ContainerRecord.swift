import Cgroups
import OCISpec

/// What the runtime keeps in `<root>/<id>/state.json`: the OCI state plus what later
/// commands need (start time against pid reuse, cgroup handle, the config for exec/hooks).
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
    public var spec: Spec
}
