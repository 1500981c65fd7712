import Cgroups
import Glibc
import OCISpec

extension ContainerRuntime {
    /// Creates the container's cgroup and writes its limits. As root any failure is fatal.
    /// Unprivileged (rootless), cgroups are used only where delegated to us; otherwise the
    /// container runs without them, with a warning if the config asked for limits.
    /// `record(planned)` saves the directories about to be made before any exists, so that
    /// `delete --force` can clean up after a `create` that was killed half-way.
    func setUpCgroup(spec: Spec, id: String, rollback: Rollback,
                     record: (CgroupHandle) throws -> Void) throws -> CgroupManager? {
        do {
            let layout = try CgroupLayout.detect()
            let cgroup = systemdCgroup
                ? try SystemdCgroups.manager(cgroupsPath: spec.linux?.cgroupsPath, containerID: id, layout: layout,
                                             rootless: geteuid() != 0)
                : try Cgroups.manager(cgroupsPath: spec.linux?.cgroupsPath, containerID: id, layout: layout)
            let planned = cgroup.handle.withPlannedCreations()
            try record(planned)
            rollback.add { try? Cgroups.open(planned).destroy() }
            try cgroup.create()
            try cgroup.apply(EffectiveResources.of(spec, privileged: geteuid() == 0), isUpdate: false)
            return cgroup
        } catch {
            guard geteuid() != 0 else { throw error }
            let asked = spec.linux?.resources.map { $0 != LinuxResources() } ?? false
            if asked {
                Warnings.emit("cgroups are not delegated to uid \(geteuid()) here (\(error)); linux.resources not applied")
            }
            return nil
        }
    }
}
