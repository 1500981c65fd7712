/// The lifecycle operations over one state directory (`--root`).
public struct ContainerRuntime: Sendable {
    public let store: StateStore
    /// `--systemd-cgroup`: new containers' cgroups are systemd units (existing containers
    /// keep the driver recorded in their state).
    public var systemdCgroup = false
    public init(root: String) { store = StateStore(root: root) }
}
