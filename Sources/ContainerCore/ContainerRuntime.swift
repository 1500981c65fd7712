/// The lifecycle operations over one state directory (`--root`).
public struct ContainerRuntime: Sendable {
    public let store: StateStore
    public init(root: String) { store = StateStore(root: root) }
}
