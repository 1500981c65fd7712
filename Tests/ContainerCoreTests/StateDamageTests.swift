import Glibc
import OCISpec
import Testing
@testable import ContainerCore

/// Issue 10 §3: damaged, missing or mismatched state fails closed — no command works from
/// a guess (a damaged config once made `exec` run in the host's namespaces).
@Suite struct StateDamageTests {
    static func saved(_ store: StateStore, _ id: String, spec: Spec? = nil) throws -> ContainerRecord {
        _ = try store.createDirectory(id)
        let record = StateStoreTests.record(id)
        if let spec { record.replaceSpec(spec) }
        try store.save(record)
        return record
    }

    static func write(_ path: String, _ text: String) throws {
        try FileIO.write(path, Array(text.utf8), flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
    }

    static func expectDamaged(_ store: StateStore, _ id: String, naming file: String) {
        let error = #expect(throws: RuntimeError.self) { _ = try store.load(id) }
        let message = error?.description ?? ""
        #expect(message.contains(file), "\(message)")
        #expect(message.contains("delete --force"), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func garbledTruncatedOrMissingConfigFailsLoad() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try Self.saved(store, "c1")
        let config = store.configPath("c1")
        let good = try #require(FileIO.readString(config))
        try Self.write(config, String(good.dropLast(5)))
        Self.expectDamaged(store, "c1", naming: "config.json")
        try Self.write(config, "{\"ociVersion\": 7}")
        Self.expectDamaged(store, "c1", naming: "config.json")
        unlink(config)
        Self.expectDamaged(store, "c1", naming: "config.json")
    }

    /// A valid config that is not the one state.json was written with (e.g. copied from another
    /// container) is damage too.
    @Test func swappedConfigFailsLoad() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try Self.saved(store, "a")
        var other = Spec(process: Process(args: ["/bin/true"]), root: Root(path: "rootfs"))
        other.hostname = "other"
        _ = try Self.saved(store, "b", spec: other)
        let bBytes = try #require(FileIO.read(store.configPath("b")))
        try FileIO.write(store.configPath("a"), bBytes, flags: O_WRONLY | O_TRUNC | O_CLOEXEC)
        Self.expectDamaged(store, "a", naming: "config.json")
    }

    @Test func truncatedOrForeignStateFailsLoad() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try Self.saved(store, "c1")
        _ = try Self.saved(store, "c2")
        let state = try #require(FileIO.readString(store.statePath("c1")))
        try Self.write(store.statePath("c1"), String(state.prefix(state.count / 2)))
        Self.expectDamaged(store, "c1", naming: "state.json")
        // A state.json from before digests (a container that outlived an upgrade) loads if its
        // config decodes, and fails if it does not.
        try Self.write(store.statePath("c1"), state.replacingOccurrences(of: "\"configDigest\"", with: "\"x\""))
        #expect(try store.load("c1").pid == 0)
        let config = try #require(FileIO.readString(store.configPath("c1")))
        try Self.write(store.configPath("c1"), String(config.dropLast(3)))
        Self.expectDamaged(store, "c1", naming: "config.json")
        try Self.write(store.configPath("c1"), config)
        // c2's state copied into c1's directory names another container.
        try FileIO.write(store.statePath("c1"), try #require(FileIO.read(store.statePath("c2"))), flags: O_WRONLY | O_TRUNC | O_CLOEXEC)
        Self.expectDamaged(store, "c1", naming: "state.json")
    }

    /// JSON lets a key be spelled with escapes: "\u0068ooks" is "hooks", and its poststart and
    /// poststop hooks must not be skipped by a byte search for "hooks".
    @Test func hooksBehindAnEscapedKeyAreFound() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        var spec = Spec(process: Process(args: ["/bin/true"]), root: Root(path: "rootfs"))
        spec.hooks = Hooks(poststop: [Hook(path: "/bin/true")])
        _ = try Self.saved(store, "c1", spec: spec)
        let raw = try #require(FileIO.readString(store.configPath("c1")))
        #expect(raw.contains("\"hooks\""))
        let escaped = raw.replacingOccurrences(of: "\"hooks\"", with: "\"\\u0068ooks\"")
        // Written as create would have: config first, then state.json with its digest.
        let record = try store.load("c1")
        let rewritten = ContainerRecord(
            ociVersion: record.ociVersion, id: "c1", pid: 0, startTime: 0, bundle: record.bundle,
            rootfs: record.rootfs, created: record.created, owner: record.owner, annotations: nil,
            cgroup: nil, config: StoredConfig(bytes: Array(escaped.utf8), spec: spec))
        try store.save(rewritten)
        let loaded = try store.load("c1")
        #expect(try loaded.hooks()?.poststop?.map(\.path) == ["/bin/true"])
        // Only a config with neither "hooks" nor a \u escape skips the decode.
        for (text, may) in [("{\"ociVersion\":\"1.2.0\"}", false), ("{\"a\":\"\\u00e9\"}", true)] {
            let config = StoredConfig(expectedDigest: StoredConfig.digest(Array(text.utf8)))
            try config.attach(Array(text.utf8))
            #expect(config.mayHaveHooks() == may, "\(text)")
        }
    }

    /// Issue 10 §3: an id that reads as a flag, or an empty one, is refused with one line and
    /// leaves nothing behind (not even the state root).
    @Test(arguments: ["-x", "--foo", "", "-"])
    func flagLikeOrEmptyIDsAreRefused(_ id: String) throws {
        let t = try TempDir()
        let store = StateStore(root: t.path + "/state")
        let error = #expect(throws: RuntimeError.self) { _ = try store.createDirectory(id) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("container id"), "\(message)")
        #expect(!message.contains("\n"))
        #expect(!FileIO.exists(store.root))
        #expect(throws: RuntimeError.self) { try ContainerRuntime(root: store.root).delete(id: id, force: true) }
    }

    @Test func listShowsBrokenContainers() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        let runtime = ContainerRuntime(root: t.path)
        _ = try Self.saved(store, "good")
        _ = try Self.saved(store, "bad")
        try Self.write(store.statePath("bad"), "{garbled")
        let byID = Dictionary(uniqueKeysWithValues: runtime.list().map { ($0.id, $0.status) })
        #expect(byID["bad"] == ContainerRuntime.brokenStatus)
        #expect(byID["good"] == "creating")  // pid 0 on record
    }
}
