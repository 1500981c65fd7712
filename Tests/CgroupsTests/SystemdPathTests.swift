import Testing
@testable import Cgroups

/// cgroupsPath under `--systemd-cgroup` and slice expansion, with runc's results
/// (libcontainer/specconv CreateCgroupConfig, cgroups/systemd ExpandSlice).
@Suite struct SystemdPathTests {
    @Test func slicePrefixName() throws {
        let p = try SystemdCgroupPath.parse("system.slice:sdtest:c1", containerID: "id", rootless: false)
        #expect(p == SystemdCgroupPath(slice: "system.slice", prefix: "sdtest", name: "c1"))
        #expect(p.unitName == "sdtest-c1.scope")
        #expect(try p.cgroup() == "/system.slice/sdtest-c1.scope")
    }

    @Test func absentPathDefaultsToRuncScopeInSystemSlice() throws {
        let p = try SystemdCgroupPath.parse(nil, containerID: "abc", rootless: false)
        #expect(p.unitName == "runc-abc.scope")
        #expect(try p.cgroup() == "/system.slice/runc-abc.scope")
        let empty = try SystemdCgroupPath.parse("", containerID: "abc", rootless: true)
        #expect(try empty.cgroup() == "/user.slice/runc-abc.scope")
    }

    @Test func emptySliceIsTheDefaultSlice() throws {
        let p = try SystemdCgroupPath.parse(":libpod:x", containerID: "id", rootless: false)
        #expect(try p.cgroup() == "/system.slice/libpod-x.scope")
        let user = try SystemdCgroupPath.parse(":libpod:x", containerID: "id", rootless: true)
        #expect(user.slice == "user.slice")
    }

    @Test func nestedSliceLandsWhereRuncPutsIt() throws {
        let p = try SystemdCgroupPath.parse("kube-pod123.slice:cri:c2", containerID: "id", rootless: false)
        #expect(try p.cgroup() == "/kube.slice/kube-pod123.slice/cri-c2.scope")
    }

    @Test func nameEndingInSliceIsTheUnit() throws {
        let p = try SystemdCgroupPath.parse("a.slice:x:a-b.slice", containerID: "id", rootless: false)
        #expect(p.unitName == "a-b.slice")
        #expect(try p.cgroup() == "/a.slice/a-b.slice")
    }

    @Test func wrongShapesAreRefused() {
        for bad in [
            "system.slice", "a:b", "a:b:c:d", "system.slice:p:", "system.slice:p:a/b", "nota-slice:p:n",
            "a--b.slice:p:n", "-a.slice:p:n", "/x.slice:p:n"
        ] {
            #expect(throws: CgroupError.self, "\(bad)") {
                _ = try SystemdCgroupPath.parse(bad, containerID: "id", rootless: false)
            }
        }
    }

    @Test func expandSlice() throws {
        #expect(try SystemdCgroupPath.expandSlice("a-b-c.slice") == "/a.slice/a-b.slice/a-b-c.slice")
        #expect(try SystemdCgroupPath.expandSlice("system.slice") == "/system.slice")
        #expect(try SystemdCgroupPath.expandSlice("-.slice") == "/")
        for bad in [".slice", "a.service", "a-.slice", "a/b.slice", "a--b.slice"] {
            #expect(throws: CgroupError.self, "\(bad)") { _ = try SystemdCgroupPath.expandSlice(bad) }
        }
    }

    @Test func rootSliceHoldsTheScopeAtTheTop() throws {
        let p = try SystemdCgroupPath.parse("-.slice:p:n", containerID: "id", rootless: false)
        #expect(try p.cgroup() == "/p-n.scope")
    }
}

/// linux.resources → unit properties, with runc's conversions.
@Suite struct SystemdPropertiesTests {
    @Test func cpuQuotaRoundsUpToWholePercents() {
        // 50000/100000 is 500 ms per second; 33333/100000 → 333330 → 340000 (runc's rounding).
        #expect(
            SystemdProperties.cpuQuota(quota: 50000, period: 100000)
                == [.init("CPUQuotaPeriodUSec", .uint64(100000)), .init("CPUQuotaPerSecUSec", .uint64(500000))])
        #expect(
            SystemdProperties.cpuQuota(quota: 33333, period: 0)
                == [.init("CPUQuotaPerSecUSec", .uint64(340000))])
        #expect(SystemdProperties.cpuQuota(quota: -1, period: 0).isEmpty == false)
        #expect(SystemdProperties.cpuQuota(quota: 0, period: 0).isEmpty)
    }

    @Test func cpuListBitmaskIsLittleEndianBytes() throws {
        #expect(try SystemdProperties.bitmask("0-1", "cpus") == [0b11])
        #expect(try SystemdProperties.bitmask("0,9", "cpus") == [0b1, 0b10])
        #expect(throws: CgroupError.self) { try SystemdProperties.bitmask("3-1", "cpus") }
        #expect(throws: CgroupError.self) { try SystemdProperties.bitmask("x", "cpus") }
    }

    @Test func devicesAllowListAndAllowAll() {
        let rules = [
            DeviceRule(allow: false, kind: .all), DeviceRule(allow: true, kind: .char, major: 1, minor: 3),
            DeviceRule(allow: true, kind: .char, access: DeviceRule.mknod)
        ]
        #expect(
            SystemdProperties.deviceProperties(rules) == [
                .init("DevicePolicy", .string("strict")),
                .init(
                    "DeviceAllow",
                    .devices([
                        .init(path: "/dev/char/1:3", permissions: "rwm"),
                        .init(path: "char-*", permissions: "m")
                    ]))
            ])
        #expect(
            SystemdProperties.deviceProperties([DeviceRule(allow: true, kind: .all)])
                == [.init("DevicePolicy", .string("auto")), .init("DeviceAllow", .devices([]))])
    }
}
