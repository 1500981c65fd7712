import CSystemd
import Glibc

/// A unit property as sent in StartTransientUnit / SetUnitProperties ("a(sv)").
public struct SystemdProperty: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        case string(String)
        case bool(Bool)
        case uint64(UInt64)
        case pids([UInt32])
        case bytes([UInt8])
        /// DeviceAllow's a(ss): path or group, permissions.
        case devices([DeviceAllowEntry])
    }
    public struct DeviceAllowEntry: Equatable, Sendable {
        public var path: String
        public var permissions: String
    }
    public var name: String
    public var value: Value

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
}

/// One D-Bus connection to systemd's manager (sd-bus, loaded at run time).
final class SystemdBus {
    private let bus: OpaquePointer
    /// Job results and method calls wait at most this long, as runc does.
    static let jobTimeoutMicroseconds: UInt64 = 30_000_000

    private init(_ bus: OpaquePointer) { self.bus = bus }
    deinit { csd_close(bus) }

    /// The system manager: the system bus, or (root) systemd's private socket when no
    /// D-Bus daemon runs (go-systemd's fallback, used by runc). The user manager (rootless):
    /// $XDG_RUNTIME_DIR/bus, then $XDG_RUNTIME_DIR/systemd/private.
    static func connect(user: Bool) throws -> SystemdBus {
        var candidates: [(String, Bool)] = []
        if user {
            guard let xdg = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), !xdg.isEmpty else {
                throw CgroupError("systemd user manager: XDG_RUNTIME_DIR is not set")
            }
            candidates = [("unix:path=\(xdg)/bus", true), ("unix:path=\(xdg)/systemd/private", false)]
        } else {
            let system = getenv("DBUS_SYSTEM_BUS_ADDRESS").map { String(cString: $0) } ?? "unix:path=/run/dbus/system_bus_socket"
            candidates = [(system, true), ("unix:path=/run/systemd/private", false)]
        }
        var failures: [String] = []
        for (address, busClient) in candidates {
            var out: OpaquePointer?
            var err = [CChar](repeating: 0, count: 512)
            let r = csd_connect(address, busClient ? 1 : 0, &out, &err, err.count)
            if r == 0, let out { return SystemdBus(out) }
            failures.append(Self.text(err))
            if r == -ENOENT && failures.last?.hasPrefix("loading") == true { break }
        }
        throw CgroupError("connecting to systemd: " + failures.joined(separator: "; "))
    }

    /// StartTransientUnit(name, "replace", properties, []) and wait for its job.
    func startTransientUnit(_ unit: String, _ properties: [SystemdProperty]) throws {
        let m = try call("StartTransientUnit")
        defer { csd_msg_free(m) }
        try append(m, "s", unit)
        try append(m, "s", "replace")
        try appendProperties(m, properties)
        try check(csd_open_container(m, CChar(UInt8(ascii: "a")), "(sa(sv))"))
        try check(csd_close_container(m))
        let result: String
        do { result = try runJob(m, what: "starting \(unit)") } catch let e as CgroupError
            where e.message.contains("org.freedesktop.systemd1.UnitExists")
        { return }  // runc: not an error
        guard result == "done" else {
            resetFailed(unit)
            throw CgroupError("systemd: starting \(unit): job \(result)")
        }
    }

    /// StopUnit(name, "replace") and wait; a unit that is already gone is not an error.
    func stopUnit(_ unit: String) throws {
        let m = try call("StopUnit")
        defer { csd_msg_free(m) }
        try append(m, "s", unit)
        try append(m, "s", "replace")
        do { _ = try runJob(m, what: "stopping \(unit)") } catch let e as CgroupError
            where e.message.contains("org.freedesktop.systemd1.NoSuchUnit")
        {}
    }

    /// ResetFailedUnit(name): a failed scope would otherwise stay listed.
    func resetFailed(_ unit: String) {
        guard let m = try? call("ResetFailedUnit") else { return }
        defer { csd_msg_free(m) }
        try? append(m, "s", unit)
        var err = [CChar](repeating: 0, count: 512)
        _ = csd_call(bus, m, &err, err.count)
    }

    /// SetUnitProperties(name, runtime=true, properties).
    func setUnitProperties(_ unit: String, _ properties: [SystemdProperty]) throws {
        let m = try call("SetUnitProperties")
        defer { csd_msg_free(m) }
        try append(m, "s", unit)
        var yes: Int32 = 1
        try check(csd_append_basic(m, CChar(UInt8(ascii: "b")), &yes))
        try appendProperties(m, properties)
        var err = [CChar](repeating: 0, count: 512)
        if csd_call(bus, m, &err, err.count) < 0 {
            throw CgroupError("systemd: setting properties of \(unit): \(Self.text(err))")
        }
    }

    func managerString(_ name: String) throws -> String {
        var out = [CChar](repeating: 0, count: 4096)
        var err = [CChar](repeating: 0, count: 512)
        if csd_manager_string(bus, name, &out, out.count, &err, err.count) < 0 {
            throw CgroupError("systemd: reading the manager's \(name): \(Self.text(err))")
        }
        return Self.text(out)
    }

    // MARK: message building

    private func call(_ member: String) throws -> OpaquePointer {
        var m: OpaquePointer?
        try check(csd_new_call(bus, member, &m))
        guard let m else { throw CgroupError("systemd: building a \(member) call") }
        return m
    }

    private func runJob(_ m: OpaquePointer, what: String) throws -> String {
        var result = [CChar](repeating: 0, count: 64)
        var err = [CChar](repeating: 0, count: 512)
        if csd_call_job(bus, m, Self.jobTimeoutMicroseconds, &result, result.count, &err, err.count) < 0 {
            throw CgroupError("systemd: \(what): \(Self.text(err))")
        }
        return Self.text(result)
    }

    private func check(_ r: Int32) throws {
        if r < 0 { throw CgroupError.sys("building a D-Bus message", -r) }
    }

    private func append(_ m: OpaquePointer, _ type: Character, _ s: String) throws {
        try s.withCString { try check(csd_append_basic(m, CChar(type.asciiValue!), $0)) }
    }

    private func appendProperties(_ m: OpaquePointer, _ properties: [SystemdProperty]) throws {
        try check(csd_open_container(m, CChar(UInt8(ascii: "a")), "(sv)"))
        for p in properties {
            try check(csd_open_container(m, CChar(UInt8(ascii: "r")), "sv"))
            try append(m, "s", p.name)
            try appendVariant(m, p.value)
            try check(csd_close_container(m))
        }
        try check(csd_close_container(m))
    }

    private func appendVariant(_ m: OpaquePointer, _ value: SystemdProperty.Value) throws {
        let v = CChar(UInt8(ascii: "v")), a = CChar(UInt8(ascii: "a"))
        switch value {
        case .string(let s):
            try check(csd_open_container(m, v, "s"))
            try append(m, "s", s)
        case .bool(let b):
            try check(csd_open_container(m, v, "b"))
            var x: Int32 = b ? 1 : 0
            try check(csd_append_basic(m, CChar(UInt8(ascii: "b")), &x))
        case .uint64(let n):
            try check(csd_open_container(m, v, "t"))
            var x = n
            try check(csd_append_basic(m, CChar(UInt8(ascii: "t")), &x))
        case .pids(let pids):
            try check(csd_open_container(m, v, "au"))
            try check(csd_open_container(m, a, "u"))
            for pid in pids {
                var x = pid
                try check(csd_append_basic(m, CChar(UInt8(ascii: "u")), &x))
            }
            try check(csd_close_container(m))
        case .bytes(let bytes):
            try check(csd_open_container(m, v, "ay"))
            try bytes.withUnsafeBytes { try check(csd_append_bytes(m, $0.baseAddress, $0.count)) }
        case .devices(let entries):
            try check(csd_open_container(m, v, "a(ss)"))
            try check(csd_open_container(m, a, "(ss)"))
            for e in entries {
                try check(csd_open_container(m, CChar(UInt8(ascii: "r")), "ss"))
                try append(m, "s", e.path)
                try append(m, "s", e.permissions)
                try check(csd_close_container(m))
            }
            try check(csd_close_container(m))
        }
        try check(csd_close_container(m))
    }

    /// A NUL-terminated buffer that C filled.
    private static func text(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
