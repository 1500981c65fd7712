import Cgroups
import Foundation
import Testing
@testable import ContainerCore

/// state.json's layout: format 2 keeps the cgroup handle flat; format 1 (earlier runtimes,
/// containers still running across an upgrade) must keep working.
@Suite struct StateFormatTests {
    static let config = #"{"ociVersion":"1.0.2","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"}}"#

    static let hybrid = CgroupHandle(
        kind: .hybrid,
        paths: ["cpu": "/sys/fs/cgroup/cpu/c1", "name=systemd": "/sys/fs/cgroup/systemd/c1", "": "/sys/fs/cgroup/unified/c1"],
        mountPoints: ["cpu": "/sys/fs/cgroup/cpu", "name=systemd": "/sys/fs/cgroup/systemd", "": "/sys/fs/cgroup/unified"],
        created: ["/sys/fs/cgroup/cpu/c1", "/sys/fs/cgroup/systemd/c1", "/sys/fs/cgroup/unified/c1"])

    /// A state.json as the runtime wrote it before format 2 (one "cgroup" object, no marker).
    static func formatOne(configDigest: String, systemd: Bool) -> String {
        let unit = systemd ? #","systemd":{"unit":"sd-c1.scope","slice":"system.slice","name":"c1","user":false}"# : ""
        return #"{"pid":4242,"owner":"root","configDigest":"\#(configDigest)","ociVersion":"1.0.2","#
            + #""created":"2026-12-02T09:32:39.687794560Z","rootfs":"\/b\/rootfs","startTime":1224746,"#
            + #""cgroup":{"mountPoints":{"name=systemd":"\/sys\/fs\/cgroup\/systemd","":"\/sys\/fs\/cgroup\/unified","cpu":"\/sys\/fs\/cgroup\/cpu"},"#
            + #""created":["\/sys\/fs\/cgroup\/cpu\/c1","\/sys\/fs\/cgroup\/systemd\/c1","\/sys\/fs\/cgroup\/unified\/c1"],"#
            + #""paths":{"name=systemd":"\/sys\/fs\/cgroup\/systemd\/c1","":"\/sys\/fs\/cgroup\/unified\/c1","cpu":"\/sys\/fs\/cgroup\/cpu\/c1"},"#
            + #""kind":"hybrid"\#(unit)},"id":"c1","bundle":"\/b","annotations":{"k":"v"}}"#
    }

    static func store(_ t: TempDir, state: String) throws -> StateStore {
        try t.file("state/c1/config.json", config)
        try t.file("state/c1/state.json", state)
        return StateStore(root: t.path + "/state")
    }

    @Test(arguments: [false, true]) func formatOneStillLoads(systemd: Bool) throws {
        let t = try TempDir()
        let digest = StoredConfig.digest(Array(Self.config.utf8))
        let store = try Self.store(t, state: Self.formatOne(configDigest: digest, systemd: systemd))
        let record = try store.load("c1")
        var expected = Self.hybrid
        if systemd { expected.systemd = SystemdUnit(unit: "sd-c1.scope", slice: "system.slice", name: "c1", user: false) }
        #expect(record.cgroup == expected)
        #expect(record.pid == 4242 && record.startTime == 1_224_746 && record.bundle == "/b" && record.annotations == ["k": "v"])
        // delete --force of a damaged container still finds the cgroup of a format-1 state.json.
        #expect(StateSalvage(store: store, id: "c1").cgroup == expected)
        // Saved again (e.g. by `update`), it becomes format 2 and loads the same.
        try store.save(record)
        let state = String(decoding: FileIO.read(store.directory("c1") + "/state.json") ?? [], as: UTF8.self)
        #expect(state.contains(#""stateFormat":2"#) && !state.contains(#""cgroup":"#))
        #expect(try store.load("c1").cgroup == expected)
    }

    @Test(arguments: [false, true]) func formatTwoRoundTrip(systemd: Bool) throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try store.createDirectory("c1")
        var record = StateStoreTests.record("c1", pid: 7)
        var handle = Self.hybrid
        if systemd { handle.systemd = SystemdUnit(unit: "u.scope", slice: "user.slice", name: "n", user: true) }
        record.cgroup = handle
        try store.save(record)
        #expect(try store.load("c1").cgroup == handle)
        #expect(StateSalvage(store: store, id: "c1").cgroup == handle)
        // Empty lists, an empty element (cgroup2's controller key ""), digits, colons and
        // multi-byte characters survive too.
        record.cgroup = CgroupHandle(kind: .unified, paths: ["": "/sys/fs/cgroup/c1", "12:x": "/é/\u{0}/3:"], mountPoints: [:], created: [])
        try store.save(record)
        #expect(try store.load("c1").cgroup == record.cgroup)
        record.cgroup = nil
        try store.save(record)
        #expect(try store.load("c1").cgroup == nil)
    }

    /// state.json is written by hand (not JSONEncoder): every string field survives any
    /// character, and the integers their extremes.
    @Test(arguments: [
        "", "\"", "\\", "/", "a\"b\\c/d", "\u{7F}", "é", "日本語", "👍🏽", "\u{2028}\u{2029}", "\r\n", "\u{1B}[31m",
        "\u{0}\u{1}\u{1F}\u{20}", "\\u0000", String((1..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
    ])
    func handWrittenStateKeepsEveryString(text: String) throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try store.createDirectory("c1")
        var record = StateStoreTests.record("c1", pid: Int32.max)
        record.startTime = UInt64.max
        record.ociVersion = text
        record.bundle = "/b/" + text
        record.rootfs = text
        record.created = text
        record.owner = text
        record.notifySocket = "/run/" + text
        var handle = CgroupHandle(kind: .v1, paths: [text: "/sys/" + text], mountPoints: ["": text], created: [text, ""])
        handle.systemd = SystemdUnit(unit: text, slice: text + ".slice", name: text, user: true)
        record.cgroup = handle
        try store.save(record)
        let loaded = try store.load("c1")
        #expect(loaded.pid == Int32.max && loaded.startTime == UInt64.max)
        #expect(loaded.ociVersion == text && loaded.bundle == "/b/" + text && loaded.rootfs == text)
        #expect(loaded.created == text && loaded.owner == text && loaded.notifySocket == "/run/" + text)
        #expect(loaded.cgroup == handle)
        record.pid = Int32.min
        try store.save(record)
        #expect(try store.load("c1").pid == Int32.min)
    }

    /// The fields state.json holds (annotations are read from config.json; the digest is
    /// what the loaded record expects).
    static func expectSameStoredFields(_ a: ContainerRecord, _ b: ContainerRecord) {
        #expect(a.ociVersion == b.ociVersion && a.id == b.id && a.pid == b.pid && a.startTime == b.startTime)
        #expect(a.bundle == b.bundle && a.rootfs == b.rootfs && a.created == b.created && a.owner == b.owner)
        #expect(a.cgroup == b.cgroup && a.notifySocket == b.notifySocket)
    }

    /// `state`, `start`, `kill` and `delete` read state.json without JSONDecoder (FlatState):
    /// what they read must be what the decoder reads, for every record `create` writes.
    @Test func flatReaderReadsWhatTheDecoderReads() throws {
        var handles: [CgroupHandle?] = [nil, Self.hybrid, CgroupHandle(kind: .unified, paths: ["": "/x"], mountPoints: [:])]
        var unit = Self.hybrid
        unit.systemd = SystemdUnit(unit: "u\"1.scope", slice: "user.slice", name: "é", user: true)
        handles.append(unit)
        for (index, text) in ["plain", "\"\\/\u{0}\u{1F}\n", "日本語👍🏽", "\u{2028}", ""].enumerated() {
            for handle in handles {
                var record = StateStoreTests.record("c\(index)", pid: Int32(index) - 2)
                record.owner = text
                record.bundle = "/b/" + text
                record.cgroup = handle
                record.notifySocket = index % 2 == 0 ? nil : "/run/" + text
                let bytes = try record.stateJSON()
                let flat = try #require(FlatState.record(bytes))
                let decoded = try JSONDecoder().decode(ContainerRecord.self, from: Data(bytes))
                Self.expectSameStoredFields(flat, decoded)
                #expect(flat.annotations == nil && decoded.annotations == nil)
                #expect(flat.config.expectedDigest == decoded.config.expectedDigest)
                Self.expectSameStoredFields(flat, record)
                #expect(flat.config.expectedDigest == (try record.config.digestToSave()))
            }
        }
    }

    /// Anything but the current flat format goes to the decoder, which accepts or explains it.
    @Test(arguments: [
        #"{"stateFormat":3,"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o"}"#,
        #"{"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o"}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":"1","startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o"}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1.0,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o"}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":4294967296,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o"}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1,"startTime":-1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o"}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x"}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":null}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o","annotations":{}}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o","cgroupKind":"v1"}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o","cgroupKind":"v1","cgroupPaths":"3:cpu","cgroupMounts":"","cgroupCreated":""}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o","configDigest":7}"#,
        #"{"stateFormat":2,"ociVersion":"1","id":"c","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","created":"x","owner":"o""#,
        #"[]"#, ""
    ])
    func otherShapesAreLeftToTheDecoder(state: String) {
        #expect(FlatState.record(Array(state.utf8)) == nil)
    }

    /// A state.json from a newer runtime, or a damaged flat handle, fails closed.
    @Test(arguments: [
        (#""stateFormat":3"#, "newer runtime"),
        (#""stateFormat":2,"cgroupKind":"v3","cgroupPaths":"","cgroupMounts":"","cgroupCreated":"""#, "unknown cgroup layout"),
        (#""stateFormat":2,"cgroupKind":"v1","cgroupPaths":"3:cpu","cgroupMounts":"","cgroupCreated":"""#, "odd number"),
        (#""stateFormat":2,"cgroupKind":"v1","cgroupPaths":"cpu","cgroupMounts":"","cgroupCreated":"""#, "valid length"),
        (#""stateFormat":2,"cgroupKind":"v1","cgroupPaths":"4:cpu","cgroupMounts":"","cgroupCreated":"""#, "valid length"),
        (#""stateFormat":2,"cgroupKind":"v1","cgroupPaths":":cpu","cgroupMounts":"","cgroupCreated":"""#, "valid length"),
        (
            #""stateFormat":2,"cgroupKind":"v1","cgroupPaths":"99999999999999999999999:x","cgroupMounts":"","cgroupCreated":"""#,
            "valid length"
        ),
        (
            #""stateFormat":2,"cgroupKind":"v1","cgroupPaths":"1:a1:11:a1:2","cgroupMounts":"","cgroupCreated":"""#,
            "duplicate key"
        ),
        (#""stateFormat":2,"cgroupKind":"v1","cgroupPaths":[],"cgroupMounts":"","cgroupCreated":"""#, "cgroupPaths"),
        (#""stateFormat":2,"cgroupKind":"v1","cgroupPaths":"","cgroupMounts":"""#, "cgroupCreated")
    ])
    func unreadableFormatsFail(fields: String, message: String) throws {
        let t = try TempDir()
        let digest = StoredConfig.digest(Array(Self.config.utf8))
        let state =
            #"{\#(fields),"ociVersion":"1.0.2","id":"c1","pid":1,"startTime":1,"bundle":"/b","rootfs":"/r","#
            + #""created":"x","owner":"root","configDigest":"\#(digest)"}"#
        let store = try Self.store(t, state: state)
        let error = #expect(throws: RuntimeError.self) { _ = try store.load("c1") }
        #expect(error?.description.contains("unreadable state") == true)
        #expect(error?.description.contains(message) == true)
    }
}
