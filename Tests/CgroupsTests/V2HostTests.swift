import Glibc
import OCISpec
import Testing
@testable import Cgroups

/// The cgroup2 tree of this hybrid host has no controllers, but it is a real
/// cgroup2 mount: the v2 manager's core files (cgroup.procs, cgroup.freeze,
/// cgroup.events, cpu.stat) and the eBPF device filter work there for real.
@Suite(.serialized) struct V2HostTests {
    final class Fixture {
        let parent: String
        let manager: V2Manager
        var children: [Child] = []

        init() throws {
            let layout = try CgroupLayout.detect()
            let unified = try #require(layout.unified)
            parent = joinPath(unified.mountPoint, uniqueName("cgtest-v2"))
            guard mkdir(parent, 0o755) == 0 else { throw CgroupError.sys("mkdir \(parent)", errno) }
            // The walk that enables controllers starts at our parent, never at the
            // host's root (this test must not change the host's subtree_control).
            manager = V2Manager(
                handle: CgroupHandle(
                    kind: .unified, paths: ["": parent + "/a/leaf"],
                    mountPoints: ["": parent]))
        }

        func spawn(_ argv: [String], pipeStdin: Bool = false) throws -> Child {
            let c = try Child(argv, pipeStdin: pipeStdin)
            children.append(c)
            return c
        }

        deinit {
            children.forEach { $0.stop() }
            try? manager.destroy()
            rmdir(parent + "/a/leaf")
            rmdir(parent + "/a")
            rmdir(parent)
        }
    }

    @Test func lifecycleOnARealCgroup2Mount() throws {
        let f = try Fixture()
        let m = f.manager
        try m.create()
        #expect(m.handle.created == [f.parent + "/a", f.parent + "/a/leaf"])
        let c = try f.spawn(["/bin/sleep", "30"])
        try m.addProcess(c.pid)
        #expect(try m.pids() == [c.pid])
        // A child cgroup made "by the container" is found by pids() and removed by destroy().
        let nested = f.parent + "/a/leaf/inner"
        #expect(mkdir(nested, 0o755) == 0)
        let c2 = try f.spawn(["/bin/sleep", "30"])
        try CgroupFile.write(nested, "cgroup.procs", String(c2.pid))
        #expect(Set(try m.pids()) == [c.pid, c2.pid])

        try m.freeze()
        #expect(m.isFrozen())
        #expect(read(f.parent + "/a/leaf/cgroup.events").contains("frozen 1"))
        try m.thaw()
        #expect(!m.isFrozen())

        let s = try m.stats()
        #expect(s.pids.current == 0)  // no pids controller in this tree
        _ = s.cpu.usage.total  // cpu.stat is a core file; just must not throw
        #expect(try m.oomEventFD() == nil)  // no memory controller here

        c.stop()
        c2.stop()
        try m.destroy()
        #expect(!isDir(f.parent + "/a"))
        #expect(isDir(f.parent))
    }

    /// The eBPF device filter, loaded and attached for real: a process in the
    /// cgroup may open /dev/null but not /dev/zero; replacing the rules replaces
    /// the program (one stays attached).
    @Test func deviceFilterIsEnforcedAndReplaced() throws {
        let f = try Fixture()
        let m = f.manager
        try m.create()
        let leaf = f.parent + "/a/leaf"
        let script = "read x; cat /dev/null || exit 4; head -c 1 /dev/zero >/dev/null || exit 5; exit 0"

        try m.apply(
            LinuxResources(devices: [
                .init(allow: false), .init(allow: true, type: "c", major: 1, minor: 3, access: "rw")
            ]), isUpdate: false)
        let c1 = try f.spawn(["/bin/sh", "-c", script], pipeStdin: true)
        try m.addProcess(c1.pid)
        c1.go()
        #expect(c1.waitExit() == 5)

        try m.apply(
            LinuxResources(devices: [
                .init(allow: false), .init(allow: true, type: "c", major: 1, minor: 3, access: "rw"),
                .init(allow: true, type: "c", major: 1, minor: 5, access: "rw"),
                .init(allow: false, type: "c", major: 1, minor: 5, access: "w")  // partial deny: reading stays allowed
            ]), isUpdate: true)
        let c2 = try f.spawn(["/bin/sh", "-c", script], pipeStdin: true)
        try m.addProcess(c2.pid)
        c2.go()
        #expect(c2.waitExit() == 0)

        let fd = open(leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        #expect(try BPF.attachedDevicePrograms(cgroupFD: fd).count == 1)
    }
}
