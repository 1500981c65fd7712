import Glibc
import OCISpec
import Testing
@testable import ContainerCore

/// config-linux.md "Default Devices" and runc's /dev set-up.
@Suite struct DevicePlannerTests {
    static let defaults: [(String, UInt32, UInt32)] = [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)
    ]

    static func spec(mounts: [Mount] = [], devices: [LinuxDevice]? = nil) -> Spec {
        Spec(
            process: Process(args: ["/bin/true"]), root: Root(path: "rootfs"), mounts: mounts,
            linux: Linux(namespaces: [LinuxNamespace(type: "mount")], devices: devices))
    }

    @Test func defaultDevicesAreMadeWithMknod() throws {
        let planner = try DevicePlanner(rootfs: "/r", spec: Self.spec(), userNamespace: false)
        let devices = try planner.devices()
        #expect(devices.map(\.path) == Self.defaults.map { "/r/dev/" + $0.0 })
        for (d, want) in zip(devices, Self.defaults) {
            #expect(d.major == want.1 && d.minor == want.2)
            #expect(d.mode == S_IFCHR | 0o666)
            #expect(d.bindSource == nil)
            #expect(d.uid == 0 && d.gid == 0)
        }
    }

    /// mknod is refused in a user namespace: the host's nodes are bind-mounted instead.
    @Test func userNamespaceBindsHostNodes() throws {
        let planner = try DevicePlanner(
            rootfs: "/r",
            spec: Self.spec(devices: [
                LinuxDevice(path: "/dev/fifo0", type: "p", fileMode: 0o600)
            ]), userNamespace: true)
        let devices = try planner.devices()
        #expect(devices.prefix(6).map(\.bindSource) == Self.defaults.map { "/dev/" + $0.0 })
        // A FIFO is no device: mknod works for it anywhere.
        let fifo = try #require(devices.last)
        #expect(fifo.path == "/r/dev/fifo0")
        #expect(fifo.bindSource == nil)
        #expect(fifo.mode == S_IFIFO | 0o600)
    }

    @Test func configuredDevicesReplaceDefaultsOfTheSamePath() throws {
        let planner = try DevicePlanner(
            rootfs: "/r",
            spec: Self.spec(devices: [
                LinuxDevice(path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 0o600, uid: 7, gid: 8),
                LinuxDevice(path: "/dev/sda", type: "b", major: 8, minor: 0)
            ]), userNamespace: false)
        let devices = try planner.devices()
        #expect(devices.count == 7)
        #expect(devices.filter { $0.path == "/r/dev/null" }.count == 1)
        let null = try #require(devices.first { $0.path == "/r/dev/null" })
        #expect(null.mode == S_IFCHR | 0o600)
        #expect(null.uid == 7 && null.gid == 8)
        let sda = try #require(devices.first { $0.path == "/r/dev/sda" })
        #expect(sda.mode == S_IFBLK | 0o666)
        #expect(sda.major == 8 && sda.minor == 0)
    }

    /// runc leaves /dev alone when the config bind-mounts one there.
    @Test(arguments: [
        Mount(destination: "/dev", type: "bind", source: "/dev", options: ["rbind"]),
        Mount(destination: "/dev", type: "none", source: "/dev", options: ["rbind", "rw"])
    ])
    func boundDevGetsNothing(_ mount: Mount) throws {
        let planner = try DevicePlanner(rootfs: "/r", spec: Self.spec(mounts: [mount]), userNamespace: false)
        #expect(try planner.devices().isEmpty)
        #expect(try planner.symlinks(mounts: []).isEmpty)
    }

    @Test func tmpfsDevStillGetsDevices() throws {
        let planner = try DevicePlanner(
            rootfs: "/r",
            spec: Self.spec(mounts: [
                Mount(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid"])
            ]), userNamespace: false)
        #expect(try planner.devices().count == 6)
    }

    @Test func standardSymlinks() throws {
        let planner = try DevicePlanner(
            rootfs: "/r",
            spec: Self.spec(mounts: [
                Mount(destination: "/proc", type: "proc", source: "proc"),
                Mount(destination: "/dev/pts", type: "devpts", source: "devpts")
            ]), userNamespace: false, hostHasKcore: true)
        let links = try planner.symlinks(mounts: [])
        let byLink = Dictionary(uniqueKeysWithValues: links.map { ($0.link, $0.target) })
        #expect(byLink["/r/dev/fd"] == "/proc/self/fd")
        #expect(byLink["/r/dev/stdin"] == "/proc/self/fd/0")
        #expect(byLink["/r/dev/stdout"] == "/proc/self/fd/1")
        #expect(byLink["/r/dev/stderr"] == "/proc/self/fd/2")
        #expect(byLink["/r/dev/core"] == "/proc/kcore")
        #expect(byLink["/r/dev/ptmx"] == "pts/ptmx")
        #expect(links.count == 6)
    }

    @Test func devicePathsAreResolvedInsideTheRootfs() throws {
        let t = try TempDir()
        let rootfs = try t.dir("rootfs")
        try t.symlink("rootfs/dev", to: "/etc")  // a hostile image: /dev → the host's /etc
        let planner = try DevicePlanner(rootfs: rootfs, spec: Self.spec(), userNamespace: false)
        #expect(try planner.devices().allSatisfy { $0.path.hasPrefix(rootfs + "/etc/") })
    }

    /// runc's setupDevSymlinks: /dev/core → /proc/kcore only when the host has /proc/kcore.
    @Test func noCoreLinkWithoutHostKcore() throws {
        let planner = try DevicePlanner(
            rootfs: "/r",
            spec: Self.spec(mounts: [
                Mount(destination: "/proc", type: "proc", source: "proc")
            ]), userNamespace: false, hostHasKcore: false)
        let links = try planner.symlinks(mounts: []).map(\.link)
        #expect(!links.contains("/r/dev/core"))
        #expect(links.contains("/r/dev/fd"))
    }
}
