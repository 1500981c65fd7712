import FoundationEssentials
import OCISpec
import Testing
@testable import ContainerCore

/// `exec` decodes only the parts of the stored config it plans with: they must come out as
/// the full decode has them, for a current state.json and for one from before digests.
@Suite struct ExecConfigTests {
    static let config = """
        {"ociVersion": "1.2.0", "hostname": "h",
         "process": {"args": ["/bin/sh"], "cwd": "/", "user": {"uid": 1, "gid": 2}, "env": ["A=1"],
                     "capabilities": {"bounding": ["CAP_KILL"]}, "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 8, "hard": 9}]},
         "root": {"path": "rootfs", "readonly": true},
         "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
         "hooks": {"poststop": [{"path": "/bin/true"}]},
         "annotations": {"a": "b"},
         "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/proc/1/ns/net"}],
                   "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]},
                   "personality": {"domain": "LINUX32"}, "memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0"},
                   "maskedPaths": ["/proc/kcore"], "resources": {"pids": {"limit": 10}}}}
        """

    static func expectSameParts(_ record: ContainerRecord) throws {
        let full = try record.spec
        let parts = try ExecConfig.spec(of: record)
        #expect(parts.process == full.process)
        #expect(parts.root == full.root)
        #expect(parts.linux?.namespaces == full.linux?.namespaces)
        #expect(parts.linux?.seccomp == full.linux?.seccomp)
        #expect(parts.linux?.personality == full.linux?.personality)
        #expect(parts.linux?.memoryPolicy == full.linux?.memoryPolicy)
        #expect(parts.mounts == nil && parts.hooks == nil && parts.linux?.maskedPaths == nil)
    }

    @Test func partsMatchTheFullDecode() throws {
        let t = try TempDir()
        let store = StateStore(root: t.path)
        _ = try store.createDirectory("c1")
        let spec = try SpecLoader.decode(Data(Self.config.utf8))
        let record = StateStoreTests.record("c1")
        record.replaceSpec(spec)
        try store.save(record)
        try Self.expectSameParts(try store.load("c1"))
        // A state.json from before digests: the config was decoded whole at load.
        let state = try #require(FileIO.readString(store.statePath("c1")))
        try StateDamageTests.write(store.statePath("c1"), state.replacingOccurrences(of: "\"configDigest\"", with: "\"x\""))
        try Self.expectSameParts(try store.load("c1"))
    }
}
