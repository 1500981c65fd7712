import CShim
import Glibc

/// Owns the C memory behind a `struct shim_plan` for as long as the spawn needs it
/// (the shim packs it into a memfd for the re-executed stage 0).
final class CPlan {
    private(set) var raw = shim_plan()
    private var allocations: [UnsafeMutableRawPointer] = []

    /// The kernel's BPF_MAXINSNS: a longer filter cannot be loaded.
    static let maxSeccompInstructions = 4096

    init(_ plan: LaunchPlan, handles: LaunchHandles) throws {
        raw.clone_flags = UInt(UInt32(bitPattern: plan.cloneFlags))
        raw.new_time_ns = plan.newTimeNamespace ? 1 : 0
        raw.unshare_cgroupns = plan.unshareCgroupNamespace ? 1 : 0
        raw.cgroup_fd = handles.cgroup2FD
        raw.cgroup_tasks = stringArray(handles.cgroupTasksFiles)
        raw.ncgroup_tasks = try narrowed(handles.cgroupTasksFiles.count, "cgroupTasksFiles")
        raw.time_offsets = string(plan.timeOffsets)
        raw.pid_ns_join = string(plan.pidNamespaceJoin)
        raw.joins = UnsafePointer(array(plan.joins.map { shim_ns_join(nstype: $0.type, path: string($0.path)) }))
        raw.njoins = try narrowed(plan.joins.count, "joins")
        raw.become_root = plan.becomeRoot ? 1 : 0
        raw.join_user_first = plan.joinUserFirst ? 1 : 0
        raw.loopback_up = plan.cloneFlags & Int32(SHIM_CLONE_NEWNET) != 0 ? 1 : 0
        raw.hooks_before_pivot = plan.hooksBeforePivot ? 1 : 0
        raw.hostname = string(plan.hostname)
        raw.domainname = string(plan.domainname)

        raw.setup_rootfs = plan.setupRootfs ? 1 : 0
        raw.rootfs = string(plan.rootfs)
        raw.chroot_path = string(plan.chrootPath)
        raw.root_propagation = plan.rootPropagation
        raw.final_propagation = plan.finalPropagation
        raw.mounts = UnsafePointer(
            array(
                plan.mounts.enumerated().map { index, m in
                    shim_mount(
                        source: string(m.source), target: string(m.target), dest: string(m.dest),
                        fstype: string(m.fstype), data: string(m.data),
                        flags: Self.readOnlyAfterSetup(m) ? m.flags & ~UInt(MS_RDONLY) : m.flags,
                        remount_flags: m.remountFlags, propagation: m.propagation,
                        make_file: m.makeFile ? 1 : 0, tree_fd: handles.mountTrees[index] ?? -1,
                        ro_after_setup: Self.readOnlyAfterSetup(m) ? 1 : 0,
                        attr_set: m.attrSet, attr_clr: m.attrClear)
                }))
        raw.nmounts = try narrowed(plan.mounts.count, "mounts")
        raw.early_mounts = try narrowed(plan.mountsBeforeRelease, "mounts")
        raw.devices = UnsafePointer(
            array(
                plan.devices.map {
                    shim_device(
                        path: string(Self.insideRootfs($0.path, rootfs: plan.rootfs)), bind_source: string($0.bindSource), mode: $0.mode,
                        dev: shim_makedev($0.major, $0.minor), uid: $0.uid, gid: $0.gid)
                }))
        raw.ndevices = try narrowed(plan.devices.count, "devices")
        raw.symlinks = UnsafePointer(
            array(
                plan.symlinks.map {
                    shim_symlink(target: string($0.target), linkpath: string(Self.insideRootfs($0.link, rootfs: plan.rootfs)))
                }))
        raw.nsymlinks = try narrowed(plan.symlinks.count, "symlinks")
        raw.no_pivot = plan.noPivot ? 1 : 0
        raw.sysctls = UnsafePointer(array(plan.sysctls.map { shim_file_write(path: string($0.path), value: string($0.value)) }))
        raw.nsysctls = try narrowed(plan.sysctls.count, "sysctls")
        raw.masked_paths = stringArray(plan.maskedPaths)
        raw.nmasked = try narrowed(plan.maskedPaths.count, "maskedPaths")
        raw.readonly_paths = stringArray(plan.readonlyPaths)
        raw.nreadonly = try narrowed(plan.readonlyPaths.count, "readonlyPaths")
        raw.readonly_root = plan.readonlyRoot ? 1 : 0

        raw.exec_fifo_fd = handles.execFifoFD
        raw.cwd = string(plan.cwd)
        raw.argv = stringArray(plan.argv)
        raw.envp = stringArray(plan.env)
        raw.path_env = string(plan.pathEnv)
        raw.exec_fd = plan.execFromFD ? handles.execFD : -1
        raw.rlimits = UnsafePointer(
            array(
                plan.rlimits.map {
                    shim_rlimit(what: string("\($0.field): setrlimit"), resource: $0.resource, soft: $0.soft, hard: $0.hard)
                }))
        raw.nrlimits = try narrowed(plan.rlimits.count, "rlimits")
        raw.set_groups = plan.setGroups ? 1 : 0
        raw.groups = UnsafePointer(array(plan.groups))
        raw.ngroups = try narrowed(plan.groups.count, "groups")
        raw.uid = plan.uid
        raw.gid = plan.gid
        raw.umask = plan.umask
        if let caps = plan.capabilities {
            raw.apply_caps = 1
            raw.cap_bounding = caps.bounding
            raw.cap_effective = caps.effective
            raw.cap_permitted = caps.permitted
            raw.cap_inheritable = caps.inheritable
            raw.cap_ambient = caps.ambient
        }
        raw.no_new_privs = plan.noNewPrivileges ? 1 : 0
        if let filter = plan.seccompFilter {
            let instructions = filter.count / 8  // sizeof(struct sock_filter)
            guard instructions <= Self.maxSeccompInstructions, let length = UInt32(exactly: instructions) else {
                throw RuntimeError(
                    "linux.seccomp: the compiled filter has \(instructions) instructions; the kernel loads at most \(Self.maxSeccompInstructions)"
                )
            }
            raw.seccomp_filter = UnsafeRawPointer(array(filter))
            raw.seccomp_len = length
            raw.seccomp_flags = plan.seccompFlags
            raw.seccomp_listener = plan.seccompListener == nil ? 0 : 1
        }
        raw.setsid = plan.setsid ? 1 : 0
        raw.new_keyring = plan.newKeyring ? 1 : 0
        if let persona = plan.personality { raw.set_personality = 1; raw.personality = persona }
        raw.ioprio = plan.ioPriority
        if let s = plan.scheduler {
            raw.set_scheduler = 1
            raw.sched_policy = s.policy; raw.sched_flags = s.flags; raw.sched_nice = s.nice
            raw.sched_priority = s.priority; raw.sched_runtime = s.runtime
            raw.sched_deadline = s.deadline; raw.sched_period = s.period
        }
        raw.cpu_affinity_initial = plan.cpuAffinityInitial.map { UnsafePointer(array($0)) } ?? nil
        if let policy = plan.memoryPolicy {
            raw.set_mempolicy = 1
            raw.mempolicy_mode = policy.mode
            raw.mempolicy_nodes = policy.nodes.map { UnsafePointer(array($0)) } ?? nil
        }
        raw.lsm_exec_path = string(plan.lsmExec?.path)
        raw.lsm_exec_value = string(plan.lsmExec?.value)
        raw.cpu_affinity_final = plan.cpuAffinityFinal.map { UnsafePointer(array($0)) } ?? nil
        raw.console_fd = -1
        raw.console_socket_fd = handles.consoleSocketFD
        raw.console_rows = plan.consoleRows
        raw.console_cols = plan.consoleCols
        raw.bind_dev_console = plan.bindDevConsole ? 1 : 0
        raw.preserve_fds = plan.preserveFDs
    }

    deinit { allocations.forEach { free($0) } }

    /// A read-only tmpfs (e.g. /dev) is mounted writable and made read-only once the devices
    /// and the mounts below it exist (runc does the same).
    static func readOnlyAfterSetup(_ m: LaunchPlan.PlannedMount) -> Bool {
        m.fstype == "tmpfs" && m.flags & UInt(MS_RDONLY) != 0 && m.flags & UInt(MS_REMOUNT | MS_BIND) == 0
    }

    /// Devices and links are planned as host paths (resolved inside the rootfs); the child
    /// resolves them again inside the rootfs, after the mounts, from their container path.
    static func insideRootfs(_ hostPath: String, rootfs: String) -> String {
        guard !rootfs.isEmpty, rootfs != "/", hostPath.hasPrefix(rootfs) else { return hostPath }
        let rest = hostPath.dropFirst(rootfs.count)
        return rest.isEmpty ? "/" : String(rest)
    }

    private func string(_ s: String?) -> UnsafePointer<CChar>? {
        guard let s else { return nil }
        let p = strdup(s)!
        allocations.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
    }

    private func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let p = UnsafeMutablePointer<T>.allocate(capacity: values.count)
        p.initialize(from: values, count: values.count)
        allocations.append(UnsafeMutableRawPointer(p))
        return p
    }

    /// NULL-terminated, as execve wants.
    private func stringArray(_ values: [String]) -> UnsafePointer<UnsafePointer<CChar>?>? {
        let p = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: values.count + 1)
        for (i, v) in values.enumerated() { (p + i).initialize(to: string(v)) }
        (p + values.count).initialize(to: nil)
        allocations.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
    }
}
