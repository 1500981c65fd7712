/// runtime-spec config.md "POSIX-platform Hooks": one command.
public struct Hook: Codable, Sendable, Equatable {
    public var path: String
    public var args: [String]?
    public var env: [String]?
    /// Seconds; must be greater than zero when given.
    public var timeout: Int?

    /// The longest timeout a poll(2) wait can express (Int32.max milliseconds).
    public static let maxTimeout = Int(Int32.max) / 1000

    public init(path: String, args: [String]? = nil, env: [String]? = nil, timeout: Int? = nil) {
        self.path = path
        self.args = args
        self.env = env
        self.timeout = timeout
    }
}

/// The lifecycle hooks, in the order the spec runs them.
public struct Hooks: Codable, Sendable, Equatable {
    /// Deprecated by the spec in favour of createRuntime/createContainer/startContainer,
    /// but still run (after createRuntime's position, in the runtime namespace).
    public var prestart: [Hook]?
    public var createRuntime: [Hook]?
    public var createContainer: [Hook]?
    public var startContainer: [Hook]?
    public var poststart: [Hook]?
    public var poststop: [Hook]?

    public init(
        prestart: [Hook]? = nil, createRuntime: [Hook]? = nil, createContainer: [Hook]? = nil,
        startContainer: [Hook]? = nil, poststart: [Hook]? = nil, poststop: [Hook]? = nil
    ) {
        self.prestart = prestart
        self.createRuntime = createRuntime
        self.createContainer = createContainer
        self.startContainer = startContainer
        self.poststart = poststart
        self.poststop = poststop
    }

    /// Hook names as features.md lists them.
    public static let knownNames = [
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"
    ]

    /// The hooks grouped by name, in lifecycle order (for validation and features).
    public var all: [(name: String, hooks: [Hook])] {
        [
            ("prestart", prestart), ("createRuntime", createRuntime),
            ("createContainer", createContainer), ("startContainer", startContainer),
            ("poststart", poststart), ("poststop", poststop)
        ]
        .compactMap { name, hooks in hooks.map { (name, $0) } }
    }
}
