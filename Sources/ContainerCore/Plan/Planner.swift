import CShim
import Glibc
import OCISpec

let CLONE_NEWPID = Int32(SHIM_CLONE_NEWPID)
let CLONE_NEWNS = Int32(SHIM_CLONE_NEWNS)
let CLONE_NEWUTS = Int32(SHIM_CLONE_NEWUTS)
let CLONE_NEWUSER = Int32(SHIM_CLONE_NEWUSER)

/// decode → validate → **plan** → apply: turns a validated Spec into a LaunchPlan.
/// Everything that can be decided before clone() is decided here, in Swift.
public struct Planner {
    public struct Options: Sendable {
        public var noPivot = false
        public var preserveFDs: Int32 = 0
        /// The container's cgroup directories on the host, for a `cgroup` mount inside.
        public var cgroupHierarchies: [CgroupMountPlanner.Hierarchy] = []
        /// Unprivileged caller: setgroups must be denied before the gid map can be written.
        public var rootless = false
        public var newKeyring = true
        /// Compiled seccomp filters kept in the state root (nil: compile every time).
        var seccompCache: SeccompCache?
        /// Socket-activation fds (LISTEN_FDS) passed through to the container, as runc does.
        public var listenFDs: Int32 = 0
        /// The runtime itself runs in a user namespace (rootless podman): mknod is refused
        /// there even without a new user namespace in the config (runc binds devices then).
        public var inUserNamespace = Rootless.runsInUserNamespace
        /// Where the planner reads the host and the image (a fake in tests).
        var host: any PlannerHost = LiveHost()
        public init(noPivot: Bool = false, preserveFDs: Int32 = 0) {
            self.noPivot = noPivot
            self.preserveFDs = preserveFDs
        }
    }

    static let namespaceFlags: [String: Int32] = [
        "pid": CLONE_NEWPID, "network": Int32(SHIM_CLONE_NEWNET), "mount": CLONE_NEWNS,
        "ipc": Int32(SHIM_CLONE_NEWIPC), "uts": CLONE_NEWUTS, "user": CLONE_NEWUSER,
        "cgroup": Int32(SHIM_CLONE_NEWCGROUP), "time": Int32(SHIM_CLONE_NEWTIME)
    ]

    let spec: Spec
    let bundle: String
    let rootfs: String
    let options: Options

    public init(spec: Spec, bundle: String, options: Options = Options()) {
        self.spec = spec
        self.bundle = bundle
        self.rootfs = Self.rootfsPath(spec, bundle: bundle)
        var options = options
        options.host = RememberingHost(options.host)
        self.options = options
    }

    /// root.path, absolute or relative to the bundle.
    static func rootfsPath(_ spec: Spec, bundle: String) -> String {
        let root = spec.root?.path ?? "rootfs"
        return FileIO.absolute(root.hasPrefix("/") ? root : bundle + "/" + root)
    }

    public func plan() throws -> LaunchPlan {
        var plan = LaunchPlan()
        plan.rootfs = rootfs
        planNamespaces(&plan)
        // A mount namespace joined by path gets the same set-up as a new one, made in it after
        // the join (config.md: the runtime MUST mount the entries; runc does). Only without a
        // mount namespace in the config (the runtime's own inherited) there are no mounts.
        if plan.has(CLONE_NEWNS) {
            try planFilesystem(&plan)
        } else {
            plan.chrootPath = rootWithoutMountNamespace()
        }
        guard let process = spec.process else { throw RuntimeError("config.json: process: required") }
        try planProcess(process, into: &plan)
        // runtime.md: prestart/createRuntime/createContainer run while the init waits before
        // pivot_root (createContainer in its mount namespace, with host paths resolving).
        let hooks = spec.hooks
        plan.hooksBeforePivot =
            !(hooks?.prestart ?? []).isEmpty || !(hooks?.createRuntime ?? []).isEmpty
            || !(hooks?.createContainer ?? []).isEmpty
        return plan
    }

    /// A container-namespace hook, in the init's namespaces, as runc runs it from its init:
    /// - createContainer (`hostPath`: argv[0] executed from an fd opened in the runtime's
    ///   namespace, its args exactly) before pivot_root, with full privileges and the rootfs
    ///   as its working directory, so that relative paths land in the container, never on
    ///   the host's "/";
    /// - startContainer (looked up in the container, argv[0] is the path) just before the
    ///   user process, as that process: its user, capabilities, no_new_privs, rlimits and
    ///   seccomp filter (a binary of the image gets no more than the container), in its cwd.
    ///   Seccomp notifications have no agent there: such syscalls fail with ENOSYS.
    func planHook(_ hook: Hook, pid: Int32, hostPath: Bool) throws -> LaunchPlan {
        let args = hook.args ?? [hook.path]
        if hostPath {
            let process = Process(user: User(), args: args, env: hook.env ?? [], cwd: rootfs)
            var plan = try planExec(process, pid: pid)
            plan.execFromFD = true
            plan.seccompFilter = nil
            plan.seccompListener = nil
            plan.capabilities = nil
            plan.rlimits = []
            return plan
        }
        var process = spec.process ?? Process(user: User(), cwd: "/")
        process.args = args
        process.env = hook.env ?? []
        process.terminal = false
        process.consoleSize = nil
        var plan = try planExec(process, pid: pid)
        plan.argv = [hook.path] + Array(args.dropFirst())
        plan.seccompListener = nil
        return plan
    }

    /// Without a new mount namespace there is no pivot_root and no mounts: root.path stays
    /// the process's root through chroot (runtime.md: never the host's "/" instead), unless
    /// it is that "/" already.
    private func rootWithoutMountNamespace() -> String? {
        let resolved = options.host.realPath(rootfs)
        return resolved == "/" ? nil : (resolved ?? rootfs)
    }

    /// `exec`: join every namespace of the running container (its init is `pid`), no
    /// filesystem set-up (joining the mount namespace puts us at its root), then the process.
    public func planExec(_ process: Process, pid: Int32) throws -> LaunchPlan {
        var plan = LaunchPlan()
        plan.rootfs = rootfs
        let procNames = [
            "pid": "pid", "network": "net", "mount": "mnt", "ipc": "ipc", "uts": "uts",
            "user": "user", "cgroup": "cgroup", "time": "time"
        ]
        for ns in spec.linux?.namespaces ?? [] {
            guard let name = procNames[ns.type], let flag = Self.namespaceFlags[ns.type] else { continue }
            let path = "/proc/\(pid)/ns/\(name)"
            if ns.type == "pid" { plan.pidNamespaceJoin = path } else { plan.joins.append((flag, path)) }
        }
        plan.joins.sort { ($0.type == CLONE_NEWUSER ? 0 : 1) < ($1.type == CLONE_NEWUSER ? 0 : 1) }
        plan.setsid = process.isTerminal
        plan.newKeyring = false  // exec shares the container's session keyring
        try planProcess(process, into: &plan)
        return plan
    }

    /// The new network, IPC and UTS namespaces `planNamespaces` will clone the init into, for
    /// an early stage 0 to make while the plan is made; 0 when a user namespace is made or
    /// joined (the others must belong to it).
    static func earlyCloneFlags(_ spec: Spec) -> Int32 {
        let namespaces = spec.linux?.namespaces ?? []
        guard !namespaces.contains(where: { $0.type == "user" }) else { return 0 }
        var flags: Int32 = 0
        for ns in namespaces where ns.path?.isEmpty ?? true {
            switch ns.type {
            case "network", "ipc", "uts": flags |= namespaceFlags[ns.type] ?? 0
            default: break
            }
        }
        return flags
    }

    private func planNamespaces(_ plan: inout LaunchPlan) {
        for ns in spec.linux?.namespaces ?? [] {
            guard let flag = Self.namespaceFlags[ns.type] else { continue }  // validated before
            if let path = ns.path, !path.isEmpty {
                if ns.type == "pid" { plan.pidNamespaceJoin = path } else { plan.joins.append((flag, path)) }
            } else if ns.type == "time" {
                plan.newTimeNamespace = true
            } else if ns.type == "cgroup" {
                plan.unshareCgroupNamespace = true
            } else {
                plan.cloneFlags |= flag
            }
        }
        // The user namespace must be joined first: it owns the others.
        plan.joins.sort { ($0.type == CLONE_NEWUSER ? 0 : 1) < ($1.type == CLONE_NEWUSER ? 0 : 1) }
        if let offsets = spec.linux?.timeOffsets, plan.newTimeNamespace {
            plan.timeOffsets = offsets.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value.secs ?? 0) \($0.value.nanosecs ?? 0)" }
                .joined(separator: "\n")
        }
        if plan.cloneFlags & CLONE_NEWUSER != 0 {
            plan.setGroups = !options.rootless
            plan.uidMap = Self.idMap(spec.linux?.uidMappings)
            plan.gidMap = Self.idMap(spec.linux?.gidMappings)
            plan.becomeRoot =
                (spec.linux?.uidMappings ?? []).contains { $0.containerID == 0 }
                && (spec.linux?.gidMappings ?? []).contains { $0.containerID == 0 }
        }
        if plan.has(CLONE_NEWUTS) {  // new or joined, as runc (the validator requires one)
            plan.hostname = spec.hostname
            plan.domainname = spec.domainname
        }
    }

    static func idMap(_ mappings: [LinuxIDMapping]?) -> String? {
        guard let mappings, !mappings.isEmpty else { return nil }
        return mappings.map { "\($0.containerID) \($0.hostID) \($0.size)\n" }.joined()
    }

    private func planFilesystem(_ plan: inout LaunchPlan) throws {
        plan.setupRootfs = true
        plan.noPivot = options.noPivot
        let propagation = spec.linux?.rootfsPropagation.flatMap { MountOptions.propagationFlags[$0] }
        // Until pivot_root the host's mounts must not see ours: slave unless asked otherwise.
        plan.rootPropagation = UInt(MS_REC) | (propagation.map { $0 & ~UInt(MS_REC) } ?? UInt(MS_SLAVE))
        // A shared or unbindable "/" would defeat the rootfs bind below: private now, the
        // asked propagation after pivot_root.
        if plan.rootPropagation & UInt(MS_SHARED | MS_UNBINDABLE) != 0 { plan.rootPropagation = UInt(MS_REC | MS_PRIVATE) }
        plan.finalPropagation = propagation ?? 0
        plan.readonlyRoot = spec.root?.readonly ?? false

        let userns = plan.has(CLONE_NEWUSER) || options.inUserNamespace
        for (index, mount) in (spec.mounts ?? []).enumerated() {
            plan.mounts += try planMount(mount, index: index)
        }
        let devices = try DevicePlanner(rootfs: rootfs, spec: spec, userNamespace: userns, host: options.host)
        plan.devices = try devices.devices()
        plan.symlinks = try devices.symlinks(mounts: plan.mounts)
        plan.maskedPaths = spec.linux?.maskedPaths ?? []
        plan.readonlyPaths = spec.linux?.readonlyPaths ?? []
        plan.sysctls = try (spec.linux?.sysctl ?? [:]).sorted { $0.key < $1.key }.map {
            // The validator refuses such keys; this keeps the planner safe on its own.
            guard let file = SysctlKey.path($0.key) else {
                throw RuntimeError("config.json: \(JSONPath("linux").key("sysctl").key($0.key)): must name a file under /proc/sys")
            }
            return ("/proc/sys/" + file, $0.value)
        }
    }

    /// proc and sysfs go on an ordinary directory of the image: a symlink there (e.g. /proc →
    /// /mnt) is refused, as runc does, instead of being followed.
    private func checkOrdinaryDirectory(_ destination: String, type: String, index: Int) throws {
        let parts = TextFields.split(destination, at: UInt8(ascii: "/"))
        let parent = "/" + TextJoin.join(Array(parts.dropLast()), separator: "/")
        let name = parts.last ?? ""
        guard !name.isEmpty else { return }
        let hostParent = try SecureJoin.resolve(rootfs: rootfs, parent, host: options.host)
        guard let kind = options.host.fileType(hostParent + "/" + name) else { return }  // missing: made as a directory
        if kind != S_IFDIR {
            throw RuntimeError(
                "config.json: mounts[\(index)].destination: filesystem \"\(type)\" must be mounted on an ordinary directory, and \(destination) is not one in the image"
            )
        }
    }

    func planMount(_ mount: Mount, index: Int) throws -> [LaunchPlan.PlannedMount] {
        let destination = mount.destination ?? ""
        let target = try SecureJoin.resolve(rootfs: rootfs, destination, host: options.host)
        // Symlinks already in the image are resolved here (dangling ones too); the child
        // resolves this again at mount time, inside the rootfs, for those earlier mounts add.
        let dest = target.count > rootfs.count ? String(target.dropFirst(rootfs.count)) : "/"
        var opts = MountOptions(mount.options ?? [])
        var type = mount.type
        if type == "proc" || type == "sysfs" { try checkOrdinaryDirectory(destination, type: type ?? "", index: index) }
        if type == "bind" { type = nil; if !opts.isBind { opts.flags |= UInt(MS_BIND) } }
        if type == "cgroup" || type == "cgroup2" {
            return CgroupMountPlanner.plan(
                target: target, dest: dest, flags: opts.flags,
                hierarchies: options.cgroupHierarchies)
        }
        var planned = LaunchPlan.PlannedMount(
            source: mount.source, target: target, dest: dest, fstype: type,
            data: opts.data.isEmpty ? nil : TextJoin.join(opts.data, separator: ","),
            flags: opts.flags, propagation: opts.propagation)
        planned.attrSet = opts.recursiveSet
        planned.attrClear = opts.recursiveClear
        if opts.isBind {
            var source = mount.source ?? ""
            if !source.hasPrefix("/") { source = bundle + "/" + source }
            planned.source = source
            planned.fstype = nil
            planned.data = nil
            planned.makeFile = !options.host.isDirectory(source)
            if mount.uidMappings != nil || mount.gidMappings != nil {
                planned.idmap = .init(
                    uidMap: Self.idMap(mount.uidMappings), gidMap: Self.idMap(mount.gidMappings),
                    recursive: opts.flags & UInt(MS_REC) != 0 || (mount.options ?? []).contains("ridmap"))
            }
            // A bind ignores other flags; they take effect on a remount.
            let extra = opts.flags & ~UInt(MS_BIND | MS_REC | MS_REMOUNT)
            planned.flags = opts.flags & UInt(MS_BIND | MS_REC)
            planned.remountFlags = extra
        }
        return [planned]
    }

    private func planProcess(_ process: Process, into plan: inout LaunchPlan) throws {
        let user = process.resolvedUser
        plan.argv = process.args ?? []
        plan.cwd = process.cwd ?? "/"
        plan.uid = user.uid
        plan.gid = user.gid
        plan.groups = user.additionalGids ?? []
        plan.umask = try user.umask.map { try narrowed($0, "process.user.umask") } ?? -1
        plan.env = process.env ?? []
        if !plan.env.contains(where: { $0.hasPrefix("HOME=") }) {
            plan.env.append("HOME=" + (try PasswdLookup.home(uid: user.uid, rootfs: rootfs, host: options.host)))
        }
        plan.pathEnv = plan.env.last { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
        plan.noNewPrivileges = process.noNewPrivileges ?? false
        plan.oomScoreAdj = process.oomScoreAdj
        try ProcessSettings.apply(
            process, personality: spec.linux?.personality,
            memoryPolicy: spec.linux?.memoryPolicy, host: options.host, to: &plan)
        plan.preserveFDs = options.preserveFDs + options.listenFDs
        plan.newKeyring = options.newKeyring
        if options.listenFDs > 0 {
            plan.env.removeAll { $0.hasPrefix("LISTEN_FDS=") || $0.hasPrefix("LISTEN_PID=") }
            plan.env += ["LISTEN_FDS=\(options.listenFDs)", "LISTEN_PID=1"]
        }
        if process.isTerminal {
            plan.consoleRows = try narrowed(process.consoleSize?.height ?? 0, "process.consoleSize.height")
            plan.consoleCols = try narrowed(process.consoleSize?.width ?? 0, "process.consoleSize.width")
            plan.bindDevConsole = plan.setupRootfs
        }
        for (index, limit) in (process.rlimits ?? []).enumerated() {
            guard let resource = limit.resource else { continue }
            plan.rlimits.append((resource, limit.soft, limit.hard, "process.rlimits[\(index)] (\(limit.type))"))
        }
        if let seccomp = spec.linux?.seccomp {
            let compiled = try options.seccompCache.map { try $0.compiled(seccomp) } ?? SeccompCompiler.compile(seccomp)
            if compiled.usesNotify {
                plan.seccompListener = (seccomp.listenerPath ?? "", seccomp.listenerMetadata)
            }
            plan.seccompFilter = compiled.filter
            plan.seccompFlags = compiled.flags
        }
        if let caps = process.capabilities {
            plan.capabilities = LaunchPlan.Capabilities(
                bounding: Self.capabilityMask(caps.bounding), effective: Self.capabilityMask(caps.effective),
                permitted: Self.capabilityMask(caps.permitted), inheritable: Self.capabilityMask(caps.inheritable),
                ambient: Self.capabilityMask(caps.ambient))
        }
    }

    static func capabilityMask(_ names: [String]?) -> UInt64 {
        (names ?? []).reduce(0) { mask, name in
            LinuxCapabilities.number(of: name).map { mask | (1 << UInt64($0)) } ?? mask
        }
    }
}
