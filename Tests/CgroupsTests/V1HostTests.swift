import Glibc
import OCISpec
import Testing
@testable import Cgroups

/// Real cgroups on this host (hybrid: v1 controllers + a cgroup2 side tree). Needs root.
@Suite(.serialized) struct V1HostTests {
    /// A parent directory made by the test in every hierarchy (so not the
    /// manager's to remove) and a manager for "<parent>/mid/leaf" below it.
    final class Fixture {
        let layout: CgroupLayout
        let parentName = uniqueName("cgtest")
        var parents: [String] = []
        let manager: CgroupManager
        var children: [Child] = []

        init() throws {
            layout = try CgroupLayout.detect()
            for h in layout.v1 + [layout.unified].compactMap({ $0 }) {
                let p = joinPath(h.mountPoint, parentName)
                guard mkdir(p, 0o755) == 0 else { throw CgroupError.sys("mkdir \(p)", errno) }
                parents.append(p)
            }
            manager = try Cgroups.manager(cgroupsPath: "/\(parentName)/mid/leaf", containerID: "leaf", layout: layout)
        }

        func spawn(_ argv: [String], pipeStdin: Bool = false) throws -> Child {
            let c = try Child(argv, pipeStdin: pipeStdin)
            children.append(c)
            return c
        }

        /// Always runs, even when an expectation failed or something threw.
        deinit {
            children.forEach { $0.stop() }
            try? manager.destroy()
            for p in parents {
                for sub in ["mid/leaf", "mid"] { rmdir(p + "/" + sub) }  // in case destroy did not get there
                rmdir(p)
            }
        }
    }

    func waitForExec(_ pid: pid_t, _ comm: String) throws {
        for _ in 0..<500 where read("/proc/\(pid)/comm") != comm { usleep(10_000) }
        try #require(read("/proc/\(pid)/comm") == comm)
    }

    func dir(_ f: Fixture, _ controller: String) throws -> String {
        try #require(f.manager.handle.paths[controller])
    }

    @Test func createApplyJoinFreezeStatsDestroy() throws {
        let f = try Fixture()
        let m = f.manager
        try m.create()
        // Only mid and leaf are ours, in every hierarchy (co-mounted ones once).
        let dirs = m.handle.directories
        #expect(m.handle.created.count == 2 * dirs.count)
        #expect(m.handle.created.allSatisfy { $0.hasSuffix("/mid") || $0.hasSuffix("/mid/leaf") })
        #expect(m.handle.paths[""] == "\(f.layout.unified!.mountPoint)/\(f.parentName)/mid/leaf")
        // The cpuset trap: the new cgroups inherited cpus and mems.
        let cpuset = try dir(f, "cpuset")
        #expect(!read(cpuset + "/cpuset.cpus").isEmpty)
        #expect(!read(cpuset + "/cpuset.mems").isEmpty)

        let warnings = try m.apply(
            LinuxResources(
                devices: [.init(allow: false, access: "rwm"), .init(allow: true, type: "c", major: 1, minor: 3, access: "rwm")],
                memory: .init(limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20, swappiness: 20),
                cpu: .init(shares: 512, quota: 50000, period: 100000, cpus: "0", mems: "0"),
                pids: .init(limit: 20)), isUpdate: false)
        #expect(warnings.isEmpty)
        #expect(read(try dir(f, "pids") + "/pids.max") == "20")
        let mem = try dir(f, "memory")
        #expect(read(mem + "/memory.limit_in_bytes") == "67108864")
        #expect(read(mem + "/memory.memsw.limit_in_bytes") == "134217728")
        #expect(read(mem + "/memory.soft_limit_in_bytes") == "33554432")
        #expect(read(mem + "/memory.swappiness") == "20")
        let cpu = try dir(f, "cpu")
        #expect(read(cpu + "/cpu.cfs_quota_us") == "50000")
        #expect(read(cpu + "/cpu.cfs_period_us") == "100000")
        #expect(read(cpu + "/cpu.shares") == "512")
        #expect(read(cpuset + "/cpuset.cpus") == "0")
        #expect(read(cpuset + "/cpuset.mems") == "0")
        #expect(read(try dir(f, "devices") + "/devices.list") == "c 1:3 rwm")

        // The child execs sleep only once inside, so its memory and CPU are charged here.
        let child = try f.spawn(["/bin/sh", "-c", "read x; exec /bin/sleep 30"], pipeStdin: true)
        try m.addProcess(child.pid)
        child.go()
        try waitForExec(child.pid, "sleep")
        for d in dirs {
            #expect(read(d + "/cgroup.procs").split(separator: "\n").contains("\(child.pid)"), "not in \(d)")
        }
        #expect(read("/proc/\(child.pid)/cgroup").contains("pids:/\(f.parentName)/mid/leaf"))
        #expect(read("/proc/\(child.pid)/cgroup").contains("0::/\(f.parentName)/mid/leaf"))
        #expect(try m.pids() == [child.pid])

        try m.freeze()
        #expect(m.isFrozen())
        #expect(processState(child.pid).hasPrefix("D"))  // a frozen task shows as "D (disk sleep)"
        try m.thaw()
        #expect(!m.isFrozen())
        #expect(processState(child.pid).hasPrefix("S"))

        let s = try m.stats()
        #expect(s.pids.current >= 1)
        #expect(s.pids.limit == 20)
        #expect(s.memory.usage.limit == 64 << 20)
        #expect(s.memory.usage.usage > 0)
        #expect(s.memory.swap.limit == 128 << 20)
        #expect(s.cpu.usage.total > 0)
        #expect(!s.memory.raw.isEmpty)
        #expect(s.cpuset.cpus == [0])

        // destroy with the process still there: EBUSY is retried, then reported.
        #expect(throws: CgroupError.self) { try m.destroy() }
        child.stop()
        try m.destroy()
        for d in dirs {
            #expect(!isDir(d), "\(d) left behind")
            #expect(!isDir(parentPath(d)), "\(parentPath(d)) left behind")
        }
        for p in f.parents { #expect(isDir(p), "pre-existing \(p) was removed") }
        #expect(m.handle.created.isEmpty)
    }

    /// issue 13 #2: a frozen parent (v1 freezer, or the hybrid cgroup2 side) would freeze the
    /// container's init while it places itself; create refuses it and makes nothing.
    @Test func createRefusesAFrozenTarget() throws {
        let f = try Fixture()
        let freezer = try #require(f.parents.first { $0.contains("/freezer") })
        let unified = try #require(f.parents.first { $0.hasPrefix(f.layout.unified!.mountPoint + "/") })
        for (dir, file, frozen, thawed) in [(freezer, "freezer.state", "FROZEN", "THAWED"), (unified, "cgroup.freeze", "1", "0")] {
            try CgroupFile.write(dir, file, frozen)
            defer { try? CgroupFile.write(dir, file, thawed) }
            #expect { try f.manager.create() } throws: { String(describing: $0).contains("cgroup is frozen: \(dir)") }
            #expect(f.manager.handle.created.isEmpty)
            for p in f.parents { #expect(!isDir(p + "/mid"), "\(p)/mid made for a frozen target") }
        }
        try f.manager.create()  // thawed again: fine
    }

    @Test func memoryUpdateOrdersSwapAndLimit() throws {
        let f = try Fixture()
        let m = f.manager
        try m.create()
        let mem = try dir(f, "memory")
        try m.apply(LinuxResources(memory: .init(limit: 64 << 20, swap: 128 << 20)), isUpdate: false)
        // Growing past the old memsw needs memsw first; shrinking needs the limit first.
        try m.apply(LinuxResources(memory: .init(limit: 256 << 20, swap: 512 << 20)), isUpdate: true)
        #expect(read(mem + "/memory.limit_in_bytes") == "268435456")
        #expect(read(mem + "/memory.memsw.limit_in_bytes") == "536870912")
        try m.apply(LinuxResources(memory: .init(limit: 32 << 20, swap: 64 << 20)), isUpdate: true)
        #expect(read(mem + "/memory.limit_in_bytes") == "33554432")
        #expect(read(mem + "/memory.memsw.limit_in_bytes") == "67108864")
        try m.apply(LinuxResources(memory: .init(limit: -1)), isUpdate: true)
        #expect(read(mem + "/memory.limit_in_bytes") == "9223372036854771712")
        #expect(read(mem + "/memory.memsw.limit_in_bytes") == "9223372036854771712")
        // Kernel memory is a no-op on this kernel: a note, not an error.
        let w = try m.apply(LinuxResources(memory: .init(kernel: 16 << 20)), isUpdate: true)
        let kmem = read(mem + "/memory.kmem.limit_in_bytes")
        #expect(kmem == "16777216" || w.contains { $0.message.contains("memory.kernel") })
    }

    @Test func kernelErrorsNameTheFileAndTheValue() throws {
        let f = try Fixture()
        try f.manager.create()
        let cpuset = try dir(f, "cpuset")
        let e = #expect(throws: CgroupError.self) {
            try f.manager.apply(LinuxResources(cpu: .init(cpus: "999")), isUpdate: false)
        }
        #expect(e?.description == "cgroup: writing \"999\" to \(cpuset)/cpuset.cpus: Numerical result out of range")
        #expect(e?.errno == ERANGE)
        let e2 = #expect(throws: CgroupError.self) {
            try f.manager.apply(LinuxResources(memory: .init(swappiness: 20), cpu: .init(mems: "zero")), isUpdate: false)
        }
        #expect(e2?.description == "cgroup: writing \"zero\" to \(cpuset)/cpuset.mems: Invalid argument")
        // A controller that is not mounted here cannot honour a limit.
        if f.layout.hierarchy(for: "net_cls") == nil {
            #expect(throws: CgroupError.self) {
                try f.manager.apply(LinuxResources(network: .init(classID: 7)), isUpdate: false)
            }
        }
        #expect(throws: CgroupError.self) {
            try f.manager.apply(LinuxResources(unified: ["pids.max": "5"]), isUpdate: false)
        }
    }

    @Test func deviceRulesAreEnforced() throws {
        let f = try Fixture()
        try f.manager.create()
        try f.manager.apply(
            LinuxResources(devices: [
                .init(allow: false), .init(allow: true, type: "c", major: 1, minor: 3, access: "rw")
            ]), isUpdate: false)
        // /dev/null is allowed, /dev/zero is not: exit 5 means the rules hold.
        let c = try f.spawn(
            ["/bin/sh", "-c", "read x; cat /dev/null || exit 4; head -c 1 /dev/zero || exit 5; exit 0"],
            pipeStdin: true)
        try f.manager.addProcess(c.pid)
        c.go()
        #expect(c.waitExit() == 5)
    }

    @Test func oomEventFires() throws {
        let f = try Fixture()
        let m = f.manager
        try m.create()
        try m.apply(LinuxResources(memory: .init(limit: 16 << 20, swap: 16 << 20)), isUpdate: false)
        let fd = try #require(try m.oomEventFD())
        defer { close(fd) }
        #expect(m.oomKillCount() == 0)
        let c = try f.spawn(
            ["/bin/sh", "-c", "read x; a=$(head -c 100000000 /dev/zero | tr '\\000' x); echo ${#a}"],
            pipeStdin: true)
        try m.addProcess(c.pid)
        c.go()
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&p, 1, 10_000) == 1)
        var buf = [UInt8](repeating: 0, count: 4096)
        #expect(Glibc.read(fd, &buf, buf.count) == 8)
        _ = c.waitExit()
        #expect(m.oomKillCount() >= 1)
    }

    @Test func reopeningFromTheHandleFindsTheSameCgroup() throws {
        let f = try Fixture()
        try f.manager.create()
        let c = try f.spawn(["/bin/sleep", "30"])
        try f.manager.addProcess(c.pid)
        // As `runtime ps` would: decode the handle from state.json and ask again.
        let reopened = Cgroups.open(f.manager.handle)
        #expect(try reopened.pids() == [c.pid])
        #expect(reopened.handle.created == f.manager.handle.created)
    }
}
