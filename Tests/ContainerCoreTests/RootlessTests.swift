import OCISpec
import Testing
@testable import ContainerCore

/// Rootless podman and buildah run the runtime as uid 0 inside a user namespace: runc calls
/// that rootless (userns.RunningInUserNS, shouldHonorXDGRuntimeDir), and so do we.
@Suite struct RootlessTests {
    @Test func onlyTheFullIdentityMapIsTheInitialNamespace() {
        #expect(!Rootless.inUserNamespace(uidMap: "         0          0 4294967295\n"))
        #expect(Rootless.inUserNamespace(uidMap: "         0       1001          1\n         1    3100000      65536\n"))
        #expect(Rootless.inUserNamespace(uidMap: "0 0 65536\n"))
        #expect(Rootless.inUserNamespace(uidMap: ""))  // an empty map: a namespace not set up yet
        #expect(!Rootless.inUserNamespace(uidMap: nil))
    }

    static func env(_ vars: [String: String]) -> (String) -> String? { { vars[$0] } }

    @Test func defaultRootFollowsRunc() {
        let xdg = ["XDG_RUNTIME_DIR": "/run/user/1001"]
        // The host's root keeps /run/runtime even with XDG_RUNTIME_DIR set.
        #expect(Rootless.defaultStateRoot(euid: 0, inUserNamespace: false, environment: Self.env(xdg)) == "/run/runtime")
        // uid 0 in a user namespace (rootless podman): $XDG_RUNTIME_DIR/runtime.
        #expect(Rootless.defaultStateRoot(euid: 0, inUserNamespace: true, environment: Self.env(xdg)) == "/run/user/1001/runtime")
        // … unless USER=root says it is root inside a container, or there is no XDG_RUNTIME_DIR.
        #expect(
            Rootless.defaultStateRoot(euid: 0, inUserNamespace: true, environment: Self.env(xdg.merging(["USER": "root"]) { $1 }))
                == "/run/runtime")
        #expect(Rootless.defaultStateRoot(euid: 0, inUserNamespace: true, environment: Self.env([:])) == "/run/runtime")
        #expect(Rootless.defaultStateRoot(euid: 1001, inUserNamespace: true, environment: Self.env(xdg)) == "/run/user/1001/runtime")
        #expect(Rootless.defaultStateRoot(euid: 1001, inUserNamespace: true, environment: Self.env([:])) == "/tmp/runtime-1001")
    }

    /// runc: "cannot set memory limit: container could not join or create cgroup"; device
    /// rules are ignored rootless.
    @Test func askedControllersNameTheLimitsOnly() {
        var r = LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm")])
        #expect(RootlessCgroups.askedControllers(r, kind: .hybrid).isEmpty)
        r.memory = LinuxMemory(limit: 1 << 20)
        r.cpu = LinuxCPU(cpus: "0")
        r.pids = LinuxPids(limit: 10)
        let asked = RootlessCgroups.askedControllers(r, kind: .hybrid)
        #expect(asked.map(\.controller) == ["memory", "cpuset", "pids"])
        #expect(asked.map(\.field) == ["memory", "cpu", "pids"])
        #expect(RootlessCgroups.askedControllers(r, kind: .unified).map(\.controller) == ["", "", ""])
        #expect(RootlessCgroups.askedControllers(LinuxResources(memory: LinuxMemory()), kind: .v1).isEmpty)
    }
}
