@testable import OCISpec
import TestSupport

/// Mutations of a parsed config: values replaced by extremes or wrong types, keys removed
/// or added (names the spec uses, so mutations reach deep validation and planning),
/// array elements repeated.
struct ConfigMutator {
    var rng: SplitMix64

    static let numbers = [
        "0", "-0", "1", "-1", "-2", "2", "3.0", "0.5", "-1.5", "1e3", "1e309", "-1e309",
        "100", "101", "511", "512", "999", "1000", "1023", "1024", "4095", "4096", "65535", "65536",
        "262144", "262145", "1000000", "1000001", "1048575", "1048576", "2147483", "2147484",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4194305", "4294967295", "4294967296",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "99999999999999999999999999999"
    ]
    static let strings = [
        "", "\u{0}", "a\u{0}b", "\n", "a\nb", "\u{1b}[2J", "\t", " ", "/", "//", "..", "../../..", "/..", ".",
        "/dev/null", "/dev/zero", "/proc/self/ns/net", "/proc/self/exe", "-1", "rw", "ro", "bind", "rbind",
        "relatime,size=1m", "a", "CAP_SYS_ADMIN", "CAP_FROB", "SCMP_ACT_NOTIFY", "SCMP_ACT_ERRNO",
        "SCMP_CMP_MASKED_EQ", "SCHED_FIFO", "SCHED_DEADLINE", "MPOL_BIND", "IOPRIO_CLASS_RT", "LINUX32",
        "0-3,7", "0-1023", "1024", "4294967295-0", "2MB", "1GB", "memory.max", "cgroup.procs", "user", "pid",
        "network", "mount", "uts", "ipc", "cgroup", "time", "c", "b", "p", "u", "a", "tmpfs", "proc", "cgroup2",
        "\u{10FFFF}", "é", "%s%n", "=", "A=", "=B", "PATH=/bin",
        String(repeating: "x", count: 5000), String(repeating: "/a", count: 3000)
    ]
    /// Keys from the spec's objects, added at random places.
    static let keys = [
        "uid", "gid", "umask", "additionalGids", "major", "minor", "fileMode", "timeout", "limit", "swap",
        "reservation", "swappiness", "kernel", "kernelTCP", "shares", "quota", "period", "burst",
        "realtimeRuntime", "realtimePeriod", "cpus", "mems", "idle", "weight", "leafWeight", "rate", "pageSize",
        "classID", "priority", "priorities", "hcaHandles", "hcaObjects", "unified", "rdma", "consoleSize",
        "height", "width", "terminal", "oomScoreAdj", "nice", "runtime", "deadline", "flags", "policy",
        "ioPriority", "class", "execCPUAffinity", "initial", "final", "scheduler", "rlimits", "type", "hard",
        "soft", "env", "args", "cwd", "path", "destination", "source", "options", "uidMappings", "gidMappings",
        "containerID", "hostID", "size", "namespaces", "devices", "resources", "memory", "cpu", "pids",
        "blockIO", "hugepageLimits", "network", "seccomp", "defaultAction", "defaultErrnoRet", "errnoRet",
        "syscalls", "names", "action", "index", "value", "valueTwo", "op", "sysctl", "timeOffsets", "secs",
        "nanosecs", "memoryPolicy", "mode", "nodes", "personality", "domain", "hooks", "prestart",
        "createRuntime", "poststop", "hostname", "domainname", "mounts", "maskedPaths", "readonlyPaths",
        "rootfsPropagation", "cgroupsPath", "capabilities", "bounding", "ambient", "user", "process", "linux",
        "root", "readonly", "annotations", "listenerPath", "weightDevice", "throttleReadBpsDevice"
    ]

    mutating func pick<T>(_ list: [T]) -> T { list[Int(rng.next() % UInt64(list.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

    mutating func randomValue(depth: Int = 0) -> JSONValue {
        switch rng.next() % 12 {
        case 0...3: return .number(pick(Self.numbers))
        case 4...6: return .string(pick(Self.strings))
        case 7: return .bool(chance(50))
        case 8: return .null
        case 9: return depth > 2 ? .array([]) : .array((0..<Int(rng.next() % 3)).map { _ in randomValue(depth: depth + 1) })
        case 10: return depth > 2 ? .object([:]) : .object([pick(Self.keys): randomValue(depth: depth + 1)])
        default:
            // Deep nesting: decoders must refuse it, not overflow the stack.
            var value = JSONValue.number("1")
            for _ in 0..<pick([10, 100, 513, 600]) { value = chance(50) ? .array([value]) : .object(["a": value]) }
            return value
        }
    }

    /// One to three edits, each at a node chosen uniformly among all nodes of `value`.
    mutating func mutate(_ value: JSONValue) -> JSONValue {
        var result = value
        for _ in 0...(rng.next() % 3) {
            // Growth multiplies (300 copies of a 600-deep nest): listing every node's path of
            // such a document would take gigabytes, and it has been grown enough.
            guard result.nodeCount(upTo: 20_000) < 20_000 else { break }
            let paths = result.nodePaths()
            let path = pick(paths)
            result = result.replacing(at: path[...], with: edit(result.node(at: path[...])))
        }
        return result
    }

    /// Values tried at every leaf in the sweep: the integer boundaries of the model's
    /// types (Int32, UInt32, Int64, UInt64, 16-bit and the kernel's device numbers), a
    /// fraction, a float overflow, and strings C cannot take or messages must escape.
    static let sweepNumbers = [
        "-1", "0", "0.5", "1e309", "4096", "65536", "1048576", "2147483648",
        "4294967295", "4294967296", "-9223372036854775808", "18446744073709551615"
    ]
    static let sweepStrings = ["", "a\u{0}b", "a\nb", String(repeating: "x", count: 5000)]

    /// Every single-leaf edit of the sweep: each leaf of `value` set to each sweep value of
    /// its kind, and to a value of another type.
    static func sweep(_ value: JSONValue) -> [JSONValue] {
        var out: [JSONValue] = []
        for path in value.nodePaths() {
            let replacements: [JSONValue]
            switch value.node(at: path[...]) {
            case .number: replacements = sweepNumbers.map { .number($0) } + [.string("1")]
            case .string: replacements = sweepStrings.map { .string($0) } + [.number("1")]
            case .bool, .null: replacements = [.number("1"), .string("")]
            case .array, .object: continue
            }
            for replacement in replacements { out.append(value.replacing(at: path[...], with: replacement)) }
        }
        return out
    }

    /// The edit at one node.
    private mutating func edit(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(var members):
            switch rng.next() % 4 {
            case 0: if let key = members.keys.sorted().first { members[key] = nil }
            case 1, 2: members[pick(Self.keys)] = randomValue()
            default: return randomValue()
            }
            return .object(members)
        case .array(var items):
            switch rng.next() % 4 {
            case 0: if !items.isEmpty { items.removeLast() }
            case 1: if let first = items.first { items += Array(repeating: first, count: pick([2, 40, 300])) }
            case 2: items.append(randomValue())
            default: return randomValue()
            }
            return .array(items)
        case .string(let s) where chance(40):
            return .string(s + pick(["\u{0}", "\n", "\u{7f}", "/..", " ", "x"]))
        // Mostly keep the type, so that the value gets past decoding to the range checks.
        case .string where chance(60):
            return .string(pick(Self.strings))
        case .number where chance(80):
            return .number(pick(Self.numbers))
        default:
            return randomValue()
        }
    }
}

/// A step into a JSON document.
enum JSONStep: Hashable { case key(String), index(Int) }

extension JSONValue {
    /// The number of nodes, counting stopped at `limit`.
    func nodeCount(upTo limit: Int) -> Int {
        var count = 1
        switch self {
        case .object(let members):
            for member in members.values where count < limit { count += member.nodeCount(upTo: limit - count) }
        case .array(let items):
            for item in items where count < limit { count += item.nodeCount(upTo: limit - count) }
        default: break
        }
        return count
    }

    /// The path of every node, the document itself first.
    func nodePaths(_ prefix: [JSONStep] = []) -> [[JSONStep]] {
        var paths = [prefix]
        switch self {
        case .object(let members):
            for key in members.keys.sorted() { paths += members[key]!.nodePaths(prefix + [.key(key)]) }
        case .array(let items):
            for (i, item) in items.enumerated() { paths += item.nodePaths(prefix + [.index(i)]) }
        default: break
        }
        return paths
    }

    func node(at path: ArraySlice<JSONStep>) -> JSONValue {
        guard let step = path.first else { return self }
        switch (self, step) {
        case (.object(let members), .key(let key)): return members[key]!.node(at: path.dropFirst())
        case (.array(let items), .index(let i)): return items[i].node(at: path.dropFirst())
        default: return self
        }
    }

    func replacing(at path: ArraySlice<JSONStep>, with new: JSONValue) -> JSONValue {
        guard let step = path.first else { return new }
        switch (self, step) {
        case (.object(var members), .key(let key)):
            members[key] = members[key]!.replacing(at: path.dropFirst(), with: new)
            return .object(members)
        case (.array(var items), .index(let i)):
            items[i] = items[i].replacing(at: path.dropFirst(), with: new)
            return .array(items)
        default: return new
        }
    }

    /// Compact JSON text; numbers are written as they were parsed or chosen.
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return Self.quote(s)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { Self.quote($0) + ":" + members[$0]!.text }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal, escaping byte-wise (UTF-8 above 0x7f passes unchanged).
    private static func quote(_ s: String) -> String {
        var bytes: [UInt8] = [0x22]
        for byte in s.utf8 {
            if byte == 0x22 || byte == 0x5c {
                bytes += [0x5c, byte]
            } else if byte >= 0x20 {
                bytes.append(byte)
            } else {
                bytes += Array("\\u00".utf8) + Array(hexDigits[Int(byte >> 4)].utf8) + Array(hexDigits[Int(byte & 0xf)].utf8)
            }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
}
