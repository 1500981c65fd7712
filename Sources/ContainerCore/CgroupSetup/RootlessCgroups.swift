import Cgroups
import OCISpec

/// Rootless, cgroups work only where someone delegated a subtree to us. As runc's cgroupfs
/// driver does, each hierarchy whose directory cannot be made is left out, and that is fatal
/// only when the config asks for a limit that lives there ("cannot set memory limit").
enum RootlessCgroups {
    /// The v1 controller (or "" for cgroup2) each asked-for limit is written to, with the
    /// JSON path that asked for it. Device rules are not listed: runc ignores them rootless
    /// (the device cgroup and the eBPF filter need the host's CAP_SYS_ADMIN).
    static func askedControllers(_ r: LinuxResources?, kind: CgroupLayoutKind) -> [(controller: String, field: String)] {
        guard let r else { return [] }
        var asked: [(String, String)] = []
        if let m = r.memory, m != LinuxMemory() { asked.append(("memory", "memory")) }
        if let c = r.cpu {
            var sched = c
            sched.cpus = nil
            sched.mems = nil
            if sched != LinuxCPU() { asked.append(("cpu", "cpu")) }
            if c.cpus != nil || c.mems != nil { asked.append(("cpuset", "cpu")) }
        }
        if r.pids != nil { asked.append(("pids", "pids")) }
        if let b = r.blockIO, b != LinuxBlockIO() { asked.append(("blkio", "blockIO")) }
        if !(r.hugepageLimits ?? []).isEmpty { asked.append(("hugetlb", "hugepageLimits")) }
        if r.network?.classID != nil { asked.append(("net_cls", "network")) }
        if !(r.network?.priorities ?? []).isEmpty { asked.append(("net_prio", "network")) }
        if !(r.rdma ?? [:]).isEmpty { asked.append(("rdma", "rdma")) }
        if !(r.unified ?? [:]).isEmpty { asked.append(("", "unified")) }
        // On a pure cgroup2 host every controller lives in the one directory.
        return kind == .unified ? asked.map { ("", $0.1) } : asked
    }

    /// Makes each directory of `handle` on its own; the ones we may not create are dropped
    /// from the handle (with the reason, for `--debug` and the error message).
    static func createUsable(_ handle: CgroupHandle) -> (manager: CgroupManager?, skipped: [String: String]) {
        var kept = handle
        kept.created = []
        var skipped: [String: String] = [:]
        for dir in handle.directories {
            var one = handle
            one.paths = handle.paths.filter { $0.value == dir }
            one.mountPoints = handle.mountPoints.filter { one.paths[$0.key] != nil }
            one.created = []
            let manager = Cgroups.open(one)
            do {
                try manager.create()
                kept.created += manager.handle.created
            } catch {
                try? manager.destroy()
                for controller in one.paths.keys {
                    skipped[controller] = "\(error)"
                    kept.paths[controller] = nil
                    kept.mountPoints[controller] = nil
                }
            }
        }
        return (kept.paths.isEmpty ? nil : Cgroups.open(kept), skipped)
    }

    static func name(_ controller: String) -> String { controller.isEmpty ? "cgroup2" : controller }
}
