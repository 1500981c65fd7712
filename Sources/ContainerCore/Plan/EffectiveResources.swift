import Cgroups
import OCISpec

/// The resources actually written at create. The device cgroup gets the config's own
/// `linux.resources.devices` rules followed by runc's fixed default allow list
/// (libcontainer/specconv AllowedDevices, appended by CreateCgroupConfig), on top of the
/// deny-all the cgroup layer starts from — also when the config has no rules at all, as runc.
/// Nodes listed in `linux.devices` are created but get no rule of their own: their access is
/// what the config's rules say, so a deny-all rule keeps a listed /dev/kmsg closed.
/// (runc 1.1 drops a default entry whose path a listed node reuses; we keep the fixed list
/// whole, so a listed /dev/null stays usable.)
/// Unprivileged, a device cgroup can be programmed only if the config asks for one (and
/// cgroups are delegated): without rules of its own nothing is added, so the cgroup the
/// container does get is not lost to a device filter it never asked for.
enum EffectiveResources {
    static func of(_ spec: Spec, privileged: Bool) -> LinuxResources {
        var resources = spec.linux?.resources ?? LinuxResources()
        if resources.devices == nil && !privileged { return resources }
        resources.devices = (resources.devices ?? []) + DeviceRules.runcDefaultAllowed
        return resources
    }
}
