import Foundation
import Testing
@testable import OCISpec

@Suite struct DefaultSpecTests {
    @Test(arguments: [false, true])
    func defaultSpecValidatesClean(rootless: Bool) throws {
        let spec = Spec.defaultSpec(rootless: rootless, uid: 1000, gid: 1000)
        let bundle = try TempBundle(config: try spec.encodedJSON())
        #expect(SpecValidator.validate(spec, bundle: bundle.path) == [])
        #expect(firstProblem(bundle: bundle.path) == nil)
    }

    @Test func defaultSpecMatchesFixture() throws {
        let fixture = try SpecLoader.decode(Fixtures.data("valid/default.json"))
        #expect(Spec.defaultSpec(rootless: false) == fixture)
    }

    @Test func rootlessSpecMatchesFixture() throws {
        let fixture = try SpecLoader.decode(Fixtures.data("valid/default-rootless.json"))
        #expect(Spec.defaultSpec(rootless: true, uid: 1000, gid: 1000) == fixture)
    }

    @Test func rootlessDifferences() throws {
        let spec = Spec.defaultSpec(rootless: true, uid: 1234, gid: 99)
        let linux = try #require(spec.linux)
        #expect(linux.namespaces?.map(\.type) == ["pid", "ipc", "uts", "mount", "cgroup", "user"])
        #expect(linux.uidMappings == [LinuxIDMapping(containerID: 0, hostID: 1234, size: 1)])
        #expect(linux.gidMappings == [LinuxIDMapping(containerID: 0, hostID: 99, size: 1)])
        #expect(linux.resources == nil)
        let mounts = try #require(spec.mounts)
        #expect(!mounts.contains { $0.destination == "/sys/fs/cgroup" })
        #expect(
            mounts.first { $0.destination == "/sys" }
                == Mount(destination: "/sys", type: "none", source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"]))
        #expect(
            mounts.first { $0.destination == "/dev/pts" }?.options
                == ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"])
    }

    @Test func rootfulDefaults() {
        let spec = Spec.defaultSpec(rootless: false)
        #expect(spec.ociVersion == "1.2.0")
        #expect(spec.hostname == "runtime")
        #expect(spec.process?.isTerminal == true)
        #expect(spec.process?.isNoNewPrivileges == true)
        #expect(spec.root == Root(path: "rootfs", readonly: true))
        #expect(spec.linux?.namespaces?.map(\.type) == ["pid", "network", "ipc", "uts", "mount", "cgroup"])
        #expect(spec.linux?.resources?.devices == [LinuxDeviceCgroup(allow: false, access: "rwm")])
        #expect(
            spec.mounts?.map { $0.destination ?? "" }
                == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"])
    }
}

@Suite struct StateAndFeaturesTests {

    @Test func featuresListWhatThisRuntimeSupports() throws {
        let features = Features.thisRuntime
        #expect(features.ociVersionMin == "1.0.0")
        #expect(features.ociVersionMax == Spec.version)
        #expect(features.hooks == ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"])
        #expect(features.mountOptions?.contains("rro") == true)
        #expect(features.mountOptions?.contains("idmap") == true)
        let linux = try #require(features.linux)
        #expect(Set(linux.namespaces ?? []) == ["pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"])
        #expect(linux.capabilities?.count == 41)
        #expect(linux.capabilities?.last == "CAP_CHECKPOINT_RESTORE")
        #expect(linux.cgroup == Features.Cgroup(v1: true, v2: true, systemd: true, systemdUser: true, rdma: false))
        #expect(linux.seccomp?.actions?.contains("SCMP_ACT_NOTIFY") == true)
        #expect(linux.seccomp?.archs?.contains("SCMP_ARCH_LOONGARCH64") == true)
        #expect(linux.seccomp?.operators?.count == 7)
        let json = String(decoding: try features.encodedJSON(pretty: false), as: UTF8.self)
        #expect(json.contains(#""mountExtensions":{"idmap":{"enabled":true}}"#))
        #expect(try SpecLoader.decode(Features.self, from: Data(json.utf8), file: "features.json") == features)
    }

    @Test func nameTablesMatchKernelNumbers() {
        #expect(LinuxCapabilities.number(of: "CAP_SYS_ADMIN") == 21)
        #expect(LinuxCapabilities.number(of: "CAP_BPF") == 39)
        #expect(LinuxCapabilities.number(of: "CAP_FROB") == nil)
        #expect(POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1, soft: 1).resource == 7)
        #expect(POSIXRlimit(type: "RLIMIT_RTTIME", hard: 1, soft: 1).resource == 15)
        #expect(Scheduler.knownPolicies.firstIndex(of: "SCHED_DEADLINE") == 6)
        #expect(Scheduler.knownPolicies.firstIndex(of: "SCHED_IDLE") == 5)
    }
}
