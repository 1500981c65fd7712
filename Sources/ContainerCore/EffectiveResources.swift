import Cgroups
import OCISpec

/// The resources actually written: as runc does, the device cgroup gets the config's rules,
/// then the default devices every container needs, then each `linux.devices` node.
enum EffectiveResources {
    static func of(_ spec: Spec) -> LinuxResources? {
        guard var resources = spec.linux?.resources else { return nil }
        guard let rules = resources.devices else { return resources }
        let nodes = (spec.linux?.devices ?? []).map {
            LinuxDeviceCgroup(allow: true, type: $0.type == "p" ? "c" : $0.type, major: $0.major, minor: $0.minor, access: "rwm")
        }
        resources.devices = rules + DeviceRules.runcDefaultAllowed + nodes
        return resources
    }
}
