import Cgroups
import OCISpec
import Testing
@testable import ContainerCore

/// The device cgroup rules `create` writes: the config's rules, then runc's fixed default list;
/// a node in `linux.devices` gets no allow rule of its own (issue 13 #1).
@Suite struct EffectiveResourcesTests {
    static let denyAll = LinuxDeviceCgroup(allow: false, access: "rwm")
    static let kmsg = LinuxDevice(path: "/dev/kmsg", type: "c", major: 1, minor: 11)

    static func spec(rules: [LinuxDeviceCgroup]?, nodes: [LinuxDevice]) -> Spec {
        Spec(
            process: Process(args: ["/bin/true"]), root: Root(path: "rootfs"),
            linux: Linux(resources: rules.map { LinuxResources(devices: $0) }, devices: nodes))
    }

    @Test func listedNodeGetsNoAllowRule() {
        let r = EffectiveResources.of(Self.spec(rules: [Self.denyAll], nodes: [Self.kmsg]), privileged: true)
        #expect(r.devices == [Self.denyAll] + DeviceRules.runcDefaultAllowed)
        #expect(!(r.devices ?? []).contains { $0.allow && $0.major == 1 && $0.minor == 11 })
    }

    /// runc appends its list (over a deny-all start) even when the config has no resources.
    @Test func defaultsWithoutResources() {
        let r = EffectiveResources.of(Self.spec(rules: nil, nodes: []), privileged: true)
        #expect(r.devices == DeviceRules.runcDefaultAllowed)
    }

    @Test func unprivilegedAddsNothingUnasked() {
        #expect(EffectiveResources.of(Self.spec(rules: nil, nodes: [Self.kmsg]), privileged: false).devices == nil)
        let asked = EffectiveResources.of(Self.spec(rules: [Self.denyAll], nodes: [Self.kmsg]), privileged: false)
        #expect(asked.devices == [Self.denyAll] + DeviceRules.runcDefaultAllowed)
    }
}
