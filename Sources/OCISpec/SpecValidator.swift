#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One semantic problem in a decoded config, with its JSON path:
/// `config.json: linux.namespaces[2].type: unknown namespace type "frob"`.
public struct ValidationIssue: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var message: String
    /// The file the path refers to; "config.json" unless validating an `exec --process` file.
    public var file: String

    public init(path: String, message: String, file: String = "config.json") {
        self.path = path
        self.message = message
        self.file = file
    }

    public var description: String { Quoting.oneLine("\(file): \(path): \(message)") }
}

/// Step two of decode → validate → plan → apply. Reports every problem it finds, in
/// document order; callers usually print the first. The only I/O is stat(2) on the
/// paths the config names on the host (root.path, namespace paths).
public enum SpecValidator {
    public static func validate(_ spec: Spec, bundle: String) -> [ValidationIssue] {
        var validation = Validation(spec: spec, bundle: SpecLoader.absolutePath(bundle))
        validation.run()
        return validation.issues
    }

    /// `update`: the resources as they will be written (the stored ones with the change
    /// overlaid), reported under `linux.resources`.
    public static func validate(resources: LinuxResources, file: String) -> [ValidationIssue] {
        var validation = Validation(spec: Spec(), bundle: "/", file: file)
        validation.checkResources(resources, at: JSONPath("linux.resources"))
        return validation.issues
    }

    /// Checks a process on its own, as `exec --process <file>` gives it; paths are
    /// relative to the process object.
    public static func validate(process: Process, file: String = "process.json") -> [ValidationIssue] {
        var validation = Validation(spec: Spec(), bundle: "/", file: file)
        validation.checkProcess(process, at: JSONPath())
        return validation.issues
    }
}

struct Validation {
    let spec: Spec
    let bundle: String
    var file = "config.json"
    var issues: [ValidationIssue] = []

    mutating func report(_ path: JSONPath, _ message: String) {
        issues.append(ValidationIssue(path: path.description, message: message, file: file))
    }

    mutating func run() {
        checkVersion()
        checkRoot()
        checkMounts()
        if let process = spec.process {
            checkProcess(process, at: JSONPath("process"))
        } else {
            report(JSONPath("process"), "required field missing")
        }
        checkHostname()
        checkHooks()
        checkLinux()
    }

    // MARK: ociVersion, root, mounts, hooks

    private mutating func checkVersion() {
        let path = JSONPath("ociVersion")
        guard let version = spec.ociVersion else { return report(path, "required field missing") }
        guard let major = SemVer.major(of: version) else {
            return report(path, "not a valid SemVer version \(quoted(version))")
        }
        if major != 1 { report(path, "unsupported version \(quoted(version)): major version must be 1") }
    }

    private mutating func checkRoot() {
        guard let root = spec.root else { return report(JSONPath("root"), "required field missing") }
        let path = JSONPath("root.path")
        guard let rootPath = root.path else { return report(path, "required field missing") }
        guard !rootPath.isEmpty else { return report(path, "must not be empty") }
        let absolute = rootPath.hasPrefix("/") ? rootPath : bundle.joinedPath(rootPath)
        switch FileKind.of(absolute) {
        case nil: report(path, "does not exist: \(absolute)")
        case .directory?: break
        case _?: report(path, "not a directory: \(absolute)")
        }
    }

    private mutating func checkMounts() {
        for (i, mount) in (spec.mounts ?? []).enumerated() {
            let path = JSONPath("mounts").index(i)
            if let destination = mount.destination {
                checkAbsolute(destination, at: path.key("destination"))
            } else {
                report(path.key("destination"), "required field missing")
            }
            // runc: an idmapped mount needs both maps.
            if mount.uidMappings != nil && mount.gidMappings == nil {
                report(path.key("gidMappings"), "required with uidMappings")
            } else if mount.gidMappings != nil && mount.uidMappings == nil {
                report(path.key("uidMappings"), "required with gidMappings")
            }
            checkIDMappingRanges(mount.uidMappings ?? [], at: path.key("uidMappings"))
            checkIDMappingRanges(mount.gidMappings ?? [], at: path.key("gidMappings"))
        }
    }

    private mutating func checkHooks() {
        for (name, hooks) in spec.hooks?.all ?? [] {
            for (i, hook) in hooks.enumerated() {
                let path = JSONPath("hooks").key(name).index(i)
                checkAbsolute(hook.path, at: path.key("path"))
                if let timeout = hook.timeout, timeout <= 0 {
                    report(path.key("timeout"), "must be greater than zero")
                } else if let timeout = hook.timeout, timeout > Hook.maxTimeout {
                    // The wait is a poll(2) timeout: milliseconds in a C int.
                    report(path.key("timeout"), "must be at most \(Hook.maxTimeout) seconds")
                }
            }
        }
    }

    /// runc: hostname and domainname need a UTS namespace (created or joined). Longer than the
    /// kernel's UTS names (64 bytes) they fail sethostname(2) in the child, naming no field.
    private mutating func checkHostname() {
        let hasUTS = spec.namespace(ofType: "uts") != nil
        for (key, name) in [("hostname", spec.hostname), ("domainname", spec.domainname)] {
            guard let name, !name.isEmpty else { continue }
            if !hasUTS { report(JSONPath(key), "requires a uts namespace") }
            if name.utf8.count > Self.maxUTSName {
                report(JSONPath(key), "must be at most \(Self.maxUTSName) bytes (the kernel's limit for a UTS name)")
            }
        }
    }

    /// __NEW_UTS_LEN in the kernel's utsname.h.
    static let maxUTSName = 64

    // MARK: process

    mutating func checkProcess(_ process: Process, at path: JSONPath) {
        if process.args?.isEmpty ?? true { report(path.key("args"), "must not be empty") }
        if let cwd = process.cwd {
            checkAbsolute(cwd, at: path.key("cwd"))
        } else {
            report(path.key("cwd"), "required field missing")
        }
        // Bytes, as libc splits an entry (and a Character scan is slow on 1 MB of env).
        for (i, entry) in (process.env ?? []).enumerated() {
            let bytes = entry.utf8
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")), equals != bytes.startIndex else {
                report(path.key("env").index(i), "must be of the form KEY=VALUE: \(quoted(entry))")
                continue
            }
        }
        if let user = process.user { checkUser(user, at: path.key("user")) }
        // TIOCSWINSZ takes 16-bit rows and columns.
        if let size = process.consoleSize {
            for (key, value) in [("height", size.height), ("width", size.width)] where value > UInt(UInt16.max) {
                report(path.key("consoleSize").key(key), "must be at most 65535")
            }
        }
        checkRlimits(process.rlimits ?? [], at: path.key("rlimits"))
        if let caps = process.capabilities {
            let sets = [
                ("bounding", caps.bounding), ("effective", caps.effective),
                ("inheritable", caps.inheritable), ("permitted", caps.permitted),
                ("ambient", caps.ambient)
            ]
            for (set, names) in sets {
                for (i, name) in (names ?? []).enumerated() where LinuxCapabilities.number(of: name) == nil {
                    report(path.key("capabilities").key(set).index(i), "unknown capability \(quoted(name))")
                }
            }
        }
        if let adj = process.oomScoreAdj, !(-1000...1000).contains(adj) {
            report(path.key("oomScoreAdj"), "must be between -1000 and 1000")
        }
        if let scheduler = process.scheduler {
            checkScheduler(scheduler, at: path.key("scheduler"))
        }
        if let io = process.ioPriority {
            if LinuxIOPriority.knownClasses[io.class] == nil {
                report(path.key("ioPriority").key("class"), "unknown I/O priority class \(quoted(io.class))")
            }
            if !(0...7).contains(io.priority) {
                report(path.key("ioPriority").key("priority"), "must be between 0 and 7")
            }
        }
        if let affinity = process.execCPUAffinity {
            for (key, list) in [("initial", affinity.initial), ("final", affinity.final)] {
                if let list, !CPUList.isValid(list, below: CPUList.maskBits) {
                    report(path.key("execCPUAffinity").key(key), "invalid CPU list \(quoted(list))")
                }
            }
        }
    }

    /// (uid_t)-1 tells set*id(2) "leave unchanged": the process would keep the runtime's root.
    private mutating func checkUser(_ user: User, at path: JSONPath) {
        if user.uid == UInt32.max { report(path.key("uid"), "4294967295 is not a valid user id") }
        if user.gid == UInt32.max { report(path.key("gid"), "4294967295 is not a valid group id") }
        for (i, gid) in (user.additionalGids ?? []).enumerated() where gid == UInt32.max {
            report(path.key("additionalGids").index(i), "4294967295 is not a valid group id")
        }
        // umask(2) keeps the permission bits only.
        if let umask = user.umask, umask > 0o777 {
            report(path.key("umask"), "must be at most 0o777 (511)")
        }
    }

    private mutating func checkRlimits(_ rlimits: [POSIXRlimit], at path: JSONPath) {
        var seen: Set<String> = []
        for (i, rlimit) in rlimits.enumerated() {
            if rlimit.resource == nil {
                report(path.index(i).key("type"), "unknown rlimit \(quoted(rlimit.type))")
            } else if !seen.insert(rlimit.type).inserted {
                report(path.index(i).key("type"), "duplicate rlimit \(quoted(rlimit.type))")
            }
            if rlimit.soft > rlimit.hard {
                report(path.index(i).key("soft"), "soft limit \(rlimit.soft) exceeds hard limit \(rlimit.hard)")
            }
        }
    }

    private mutating func checkScheduler(_ scheduler: Scheduler, at path: JSONPath) {
        if !Scheduler.knownPolicies.contains(scheduler.policy) {
            report(path.key("policy"), "unknown scheduler policy \(quoted(scheduler.policy))")
        }
        for (i, flag) in (scheduler.flags ?? []).enumerated() where Scheduler.knownFlags[flag] == nil {
            report(path.key("flags").index(i), "unknown scheduler flag \(quoted(flag))")
        }
        if let nice = scheduler.nice, !(-20...19).contains(nice) {
            report(path.key("nice"), "must be between -20 and 19")
        }
        // sched_setattr(2): real-time policies take 1-99, the others only 0.
        let realTime = scheduler.policy == "SCHED_FIFO" || scheduler.policy == "SCHED_RR"
        if let priority = scheduler.priority, realTime ? !(1...99).contains(priority) : priority != 0 {
            report(
                path.key("priority"),
                realTime
                    ? "must be between 1 and 99 for \(scheduler.policy)"
                    : "must be 0 unless the policy is SCHED_FIFO or SCHED_RR")
        }
    }

    // MARK: helpers

    mutating func checkAbsolute(_ value: String, at path: JSONPath) {
        if value.isEmpty {
            report(path, "must not be empty")
        } else if !value.hasPrefix("/") {
            report(path, "must be an absolute path")
        }
    }

    func quoted(_ value: String) -> String {
        Quoting.quoted(value)
    }
}

enum FileKind: Equatable {
    case directory, regular, other

    /// What is at `path` (following symlinks), or nil when nothing is.
    static func of(_ path: String) -> FileKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        default: return .other
        }
    }
}

/// Semantic Versioning 2.0.0 (https://semver.org), as config.md requires of ociVersion.
enum SemVer {
    static func major(of version: String) -> Int? {
        var rest = Substring(version)
        if let plus = rest.firstIndex(of: "+") {
            guard identifiers(rest[rest.index(after: plus)...], numericRule: false) else { return nil }
            rest = rest[..<plus]
        }
        if let dash = rest.firstIndex(of: "-") {
            guard identifiers(rest[rest.index(after: dash)...], numericRule: true) else { return nil }
            rest = rest[..<dash]
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3, core.allSatisfy(isNumber) else { return nil }
        return Int(core[0])
    }

    private static func isNumber(_ part: Substring) -> Bool {
        !part.isEmpty && part.allSatisfy(\.isASCIIDigit) && (part == "0" || part.first != "0")
    }

    private static func identifiers(_ text: Substring, numericRule: Bool) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { id in
            guard !id.isEmpty, id.allSatisfy({ $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" }) else { return false }
            // Numeric pre-release identifiers must not have leading zeros.
            return !numericRule || !id.allSatisfy(\.isASCIIDigit) || isNumber(id)
        }
    }
}

/// CPU and memory-node lists as the kernel prints them: "0-3,7".
enum CPUList {
    /// Bits in the masks the planner builds (a glibc cpu_set_t, a node mask).
    static let maskBits: UInt32 = 1024

    static func isValid(_ list: String, below limit: UInt32 = UInt32.max) -> Bool {
        list.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { item in
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count),
                let low = UInt32(bounds[0]), let high = UInt32(bounds[bounds.count - 1])
            else { return false }
            return low <= high && high < limit
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
