/// runtime-spec runtime.md "State": the output of `state` and the stdin of every hook.
public struct State: Codable, Sendable, Equatable {
    public var ociVersion: String
    public var id: String
    public var status: ContainerState
    /// Present when the status is created or running (the spec's "REQUIRED when").
    public var pid: Int32?
    /// Absolute path to the bundle directory.
    public var bundle: String
    public var annotations: [String: String]?

    public init(
        ociVersion: String = Spec.version, id: String, status: ContainerState, pid: Int32? = nil,
        bundle: String, annotations: [String: String]? = nil
    ) {
        self.ociVersion = ociVersion
        self.id = id
        self.status = status
        self.pid = pid
        self.bundle = bundle
        self.annotations = annotations
    }
}

/// runtime.md lists creating, created, running, stopped; runc adds paused. (Go: specs.ContainerState.)
public enum ContainerState: String, Codable, Sendable, Equatable, CaseIterable {
    case creating, created, running, stopped, paused
}
