import Foundation
import Glibc
import OCISpec
import Testing
import TestSupport
@testable import ContainerCore

/// `<root>/<id>/state.json`: atomic writes, and a flock that serialises commands on one id only.
@Suite struct StateStoreTests {
    static func record(_ id: String, pid: Int32 = 0) -> ContainerRecord {
        ContainerRecord(
            ociVersion: "1.2.0", id: id, pid: pid, startTime: 42, bundle: "/b/\(id)", rootfs: "/b/\(id)/rootfs",
            created: "2024-01-02T03:04:05.000000006Z", owner: "root", annotations: ["a": "b"], cgroup: nil,
            spec: Spec(process: Process(args: ["/bin/sh"]), root: Root(path: "rootfs"), hostname: "h", annotations: ["a": "b"]))
    }

    @Test func saveLoadRoundTrip() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path + "/state")
        _ = try store.createDirectory("c1")
        let r = Self.record("c1", pid: 1234)
        try store.save(r)
        let loaded = try store.load("c1")
        #expect(loaded.id == "c1")
        #expect(loaded.pid == 1234)
        #expect(loaded.startTime == 42)
        #expect(loaded.bundle == r.bundle && loaded.rootfs == r.rootfs)
        #expect(loaded.created == r.created && loaded.owner == "root")
        #expect(loaded.allAnnotations == ["a": "b"])
        #expect(loaded.annotations == nil)  // read from config.json, not copied into state.json
        #expect(FileIO.readString(store.statePath("c1"))?.contains("annotations") == false)
        #expect(loaded.cgroup == nil)
        let (stored, given) = (try loaded.spec, try r.spec)
        #expect(stored == given)
    }

    /// A container created by an older runtime has its annotations in state.json: still reported.
    @Test func annotationsKeptInAnOlderStateAreReported() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try store.createDirectory("c1")
        try store.save(Self.record("c1", pid: 1234))
        var json = try #require(FileIO.readString(store.statePath("c1")))
        json.removeLast()  // the closing brace
        json += #","annotations":{"old":"1"}}"#
        try FileIO.writeAtomically(store.statePath("c1"), Array(json.utf8))
        let loaded = try store.load("c1")
        #expect(loaded.annotations == ["old": "1"])
        #expect(loaded.ociState(in: store).annotations == ["old": "1"])
    }

    @Test func aConfigWithoutAnnotationsReportsNone() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try store.createDirectory("c1")
        var record = Self.record("c1")
        record.annotations = nil
        record.replaceSpec(Spec(process: Process(args: ["/bin/sh"]), root: Root(path: "rootfs")))
        try store.save(record)
        #expect(try store.load("c1").ociState(in: store).annotations == nil)
    }

    @Test func atomicWriteLeavesNoTemporaryFile() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try store.createDirectory("c1")
        try store.save(Self.record("c1"))
        try store.save(Self.record("c1", pid: 7))
        // The config is kept beside the state, verbatim; neither leaves a .tmp behind.
        #expect(FileIO.listDirectory(store.directory("c1")) == ["config.json", "state.json"])
        #expect(try store.load("c1").pid == 7)
        var st = stat()
        #expect(stat(store.directory("c1") + "/state.json", &st) == 0)
        #expect(st.st_mode & 0o077 == 0)  // state is private to the runtime's user
    }

    @Test func createDirectoryOnAnExistingIdFails() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path + "/a/b")  // missing parents are made
        _ = try store.createDirectory("c1")
        let error = #expect(throws: RuntimeError.self) { _ = try store.createDirectory("c1") }
        #expect(error?.description.contains("already exists") == true)
    }

    @Test func loadOfAMissingOrHalfCreatedContainer() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        let missing = #expect(throws: RuntimeError.self) { _ = try store.load("nope") }
        #expect(missing?.description.contains("does not exist") == true)
        _ = try store.createDirectory("half")
        let half = #expect(throws: RuntimeError.self) { _ = try store.load("half") }
        // state.json is written first thing by create: a directory without one is a killed create.
        #expect(half?.description.contains("never fully created") == true)
        try FileIO.write(store.directory("half") + "/state.json", Array("{".utf8), flags: O_WRONLY | O_CREAT | O_TRUNC)
        let broken = #expect(throws: RuntimeError.self) { _ = try store.load("half") }
        #expect(broken?.description.contains("unreadable state") == true)
    }

    @Test func idsListsContainerDirectoriesOnly() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        #expect(store.ids().isEmpty)
        _ = try store.createDirectory("b")
        _ = try store.createDirectory("a")
        try t.file("stray-file", "x")
        #expect(store.ids() == ["a", "b"])
        store.remove("a")
        #expect(store.ids() == ["b"])
        #expect(!FileIO.exists(store.directory("a")))
    }

    @Test func lockOnAMissingContainer() throws {
        let t = try TempDir()
        let error = #expect(throws: RuntimeError.self) { _ = try StateStore(root: t.path).lock("nope") }
        #expect(error?.description.contains("does not exist") == true)
    }

    /// A second lock on the same id waits until the first is released.
    @Test func lockSerialisesOneId() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        var first: StateStore.Lock? = try store.createDirectory("c1")
        let acquired = Flag()
        let thread = Thread {
            let lock = try? store.lock("c1")
            acquired.set(lock != nil)
        }
        thread.start()
        usleep(150_000)  // long enough for an unblocked flock to return
        #expect(!acquired.isSet)
        first = nil
        #expect(eventually { acquired.isSet })
        _ = first
    }

    @Test func lockDoesNotSerialiseDifferentIds() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        let held = try store.createDirectory("c1")
        _ = try store.createDirectory("c2")
        let acquired = Flag()
        Thread { acquired.set((try? store.lock("c2")) != nil) }.start()
        #expect(eventually(within: 2) { acquired.isSet })
        _ = held
    }

    /// A waiter that gets the lock after a `delete` removed the directory must not go on.
    @Test func lockAfterRemovalReportsMissing() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        var held: StateStore.Lock? = try store.createDirectory("c1")
        let result = Box()
        let thread = Thread {
            do { _ = try store.lock("c1"); result.set("locked") } catch { result.set("\(error)") }
        }
        thread.start()
        usleep(100_000)
        store.remove("c1")
        held = nil
        #expect(eventually { result.value != nil })
        #expect(result.value?.contains("does not exist") == true)
        _ = held
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set(_ v: Bool) { lock.lock(); value = v; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    func set(_ v: String) { lock.lock(); stored = v; lock.unlock() }
    var value: String? { lock.lock(); defer { lock.unlock() }; return stored }
}
