import Cgroups
import Glibc
import OCISpec

extension ContainerRuntime {
    /// Creates the container's cgroup and writes its limits. As root any failure is fatal.
    /// Rootless (also uid 0 in a user namespace), only the hierarchies delegated to us are
    /// used; the others are skipped with a `--debug` note, and a limit the config asks for in
    /// a skipped one fails the create naming it (runc: "cannot set memory limit").
    /// `record(planned)` saves the directories about to be made before any exists, so that
    /// `delete --force` can clean up after a `create` that was killed half-way.
    func setUpCgroup(
        spec: Spec, id: String, rollback: Rollback,
        record: (CgroupHandle) throws -> Void
    ) throws -> CgroupManager? {
        guard Rootless.active, !systemdCgroup else {
            let layout = try CgroupLayout.detect()
            // Rootless with --systemd-cgroup: the user's manager delegates a cgroup to us.
            let cgroup =
                systemdCgroup
                ? try SystemdCgroups.manager(
                    cgroupsPath: spec.linux?.cgroupsPath, containerID: id, layout: layout,
                    rootless: Rootless.active)
                : try Cgroups.manager(cgroupsPath: spec.linux?.cgroupsPath, containerID: id, layout: layout)
            try makeCgroup(cgroup, rollback: rollback, record: record)
            try cgroup.apply(EffectiveResources.of(spec, privileged: !Rootless.active), isUpdate: false)
            return cgroup
        }
        let resources = spec.linux?.resources
        let handle: CgroupHandle
        do {
            let layout = try CgroupLayout.detect()
            handle = try Cgroups.manager(cgroupsPath: spec.linux?.cgroupsPath, containerID: id, layout: layout).handle
        } catch {
            if let first = RootlessCgroups.askedControllers(resources, kind: .v1).first {
                throw RuntimeError("config.json: linux.resources.\(first.field): cannot be applied without cgroups (\(error))")
            }
            Warnings.debug("rootless: running without cgroups: \(error)")
            return nil
        }
        let planned = handle.withPlannedCreations()
        try record(planned)
        rollback.add { try? Cgroups.open(planned).destroy() }
        let (cgroup, skipped) = RootlessCgroups.createUsable(handle)
        for (controller, reason) in skipped.sorted(by: { $0.key < $1.key }) {
            Warnings.debug("rootless: skipping the \(RootlessCgroups.name(controller)) hierarchy: \(reason)")
        }
        for asked in RootlessCgroups.askedControllers(resources, kind: handle.kind) {
            if let reason = skipped[asked.controller] {
                throw RuntimeError(
                    "config.json: linux.resources.\(asked.field): cannot set the \(RootlessCgroups.name(asked.controller)) limit: "
                        + "the container could not create its cgroup (\(reason))")
            }
        }
        if var limits = resources, let cgroup {
            limits.devices = nil  // not ours to set without the host's CAP_SYS_ADMIN (runc ignores them too)
            try cgroup.apply(limits, isUpdate: false)
        }
        return cgroup
    }

    /// As root with cgroupfs, where the cgroup goes is known before anything is made: `create`
    /// makes it while the kernel execs stage 0 and creates the namespaces (~2 ms otherwise
    /// spent waiting). The init waits for its release, so it is in its cgroup with its
    /// limits written before it runs anything (runc applies limits after placing the init).
    /// nil where what gets made decides the plan: rootless (the hierarchies we may use) and
    /// systemd (the unit) go through `setUpCgroup` first.
    func plannedCgroup(spec: Spec, id: String) throws -> CgroupManager? {
        guard !Rootless.active, !systemdCgroup else { return nil }
        return try Cgroups.manager(cgroupsPath: spec.linux?.cgroupsPath, containerID: id, layout: CgroupLayout.detect())
    }

    /// The directories, on record before any exists (for `delete --force`).
    func makeCgroup(_ cgroup: CgroupManager, rollback: Rollback, record: (CgroupHandle) throws -> Void) throws {
        let planned = cgroup.handle.withPlannedCreations()
        try record(planned)
        rollback.add { try? Cgroups.open(planned).destroy() }
        try cgroup.create()
    }
}
