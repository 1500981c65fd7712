/// The `linux` object: config-linux.md rules, plus runc's where the spec leaves it open.
extension Validation {
    mutating func checkLinux() {
        guard let linux = spec.linux else { return }
        let path = JSONPath("linux")
        checkNamespaces(linux.namespaces ?? [], at: path.key("namespaces"))
        checkIDMappings(linux)
        checkTimeOffsets(linux.timeOffsets, at: path.key("timeOffsets"))
        checkSysctl(linux.sysctl ?? [:], at: path.key("sysctl"))
        checkDevices(linux.devices ?? [], at: path.key("devices"))
        if let resources = linux.resources {
            checkResources(resources, at: path.key("resources"))
        }
        if let cgroupsPath = linux.cgroupsPath,
            cgroupsPath.split(whereSeparator: { $0 == "/" || $0 == ":" }).contains("..")
        {
            report(path.key("cgroupsPath"), "must not contain \"..\" components")
        }
        if let seccomp = linux.seccomp {
            checkSeccomp(seccomp, at: path.key("seccomp"))
        }
        if let propagation = linux.rootfsPropagation, !Linux.knownPropagations.contains(propagation) {
            report(path.key("rootfsPropagation"), "unknown propagation \(quoted(propagation))")
        }
        for key in ["maskedPaths", "readonlyPaths"] {
            let paths = key == "maskedPaths" ? linux.maskedPaths : linux.readonlyPaths
            for (i, entry) in (paths ?? []).enumerated() {
                checkAbsolute(entry, at: path.key(key).index(i))
            }
        }
        if let personality = linux.personality, !LinuxPersonality.knownDomains.contains(personality.domain) {
            report(path.key("personality").key("domain"), "unknown personality domain \(quoted(personality.domain))")
        }
        if let policy = linux.memoryPolicy {
            let policyPath = path.key("memoryPolicy")
            if LinuxMemoryPolicy.knownModes[policy.mode] == nil {
                report(policyPath.key("mode"), "unknown memory policy mode \(quoted(policy.mode))")
            }
            for (i, flag) in (policy.flags ?? []).enumerated() where LinuxMemoryPolicy.knownFlags[flag] == nil {
                report(policyPath.key("flags").index(i), "unknown memory policy flag \(quoted(flag))")
            }
            if let nodes = policy.nodes, !nodes.isEmpty, !CPUList.isValid(nodes, below: CPUList.maskBits) {
                report(policyPath.key("nodes"), "invalid node list \(quoted(nodes)): must be like \"0-3,7\", below \(CPUList.maskBits)")
            }
        }
    }

    private mutating func checkNamespaces(_ namespaces: [LinuxNamespace], at path: JSONPath) {
        var seen: Set<String> = []
        for (i, namespace) in namespaces.enumerated() {
            if !LinuxNamespace.knownTypes.contains(namespace.type) {
                report(path.index(i).key("type"), "unknown namespace type \(quoted(namespace.type))")
            } else if !seen.insert(namespace.type).inserted {
                report(path.index(i).key("type"), "duplicate namespace type \(quoted(namespace.type))")
            }
            if let nsPath = namespace.path, !nsPath.isEmpty {
                if !nsPath.hasPrefix("/") {
                    report(path.index(i).key("path"), "must be an absolute path")
                } else if FileKind.of(nsPath) == nil {
                    report(path.index(i).key("path"), "does not exist: \(nsPath)")
                }
            }
        }
    }

    /// A new user namespace needs mappings (the kernel leaves it unmapped otherwise);
    /// mappings without any user namespace would be silently ignored.
    private mutating func checkIDMappings(_ linux: Linux) {
        let hasUserNS = spec.namespace(ofType: "user") != nil
        let createsUserNS = spec.createsNamespace("user")
        for (key, mappings) in [("uidMappings", linux.uidMappings), ("gidMappings", linux.gidMappings)] {
            let path = JSONPath("linux").key(key)
            let isEmpty = mappings?.isEmpty ?? true
            if !isEmpty && !hasUserNS {
                report(path, "requires a user namespace")
            } else if isEmpty && createsUserNS {
                report(path, "required with a new user namespace")
            }
            checkIDMappingRanges(mappings ?? [], at: path)
        }
    }

    /// The kernel refuses an empty range or one that wraps around 2^32 (map_write).
    mutating func checkIDMappingRanges(_ mappings: [LinuxIDMapping], at path: JSONPath) {
        for (i, mapping) in mappings.enumerated() {
            let end = UInt64(mapping.size) + UInt64(max(mapping.containerID, mapping.hostID))
            if mapping.size == 0 {
                report(path.index(i).key("size"), "must be at least 1")
            } else if end > UInt64(UInt32.max) {
                report(path.index(i).key("size"), "containerID + size and hostID + size must not exceed 4294967295")
            }
        }
    }

    private mutating func checkTimeOffsets(_ offsets: [String: LinuxTimeOffset]?, at path: JSONPath) {
        guard let offsets, !offsets.isEmpty else { return }
        // Offsets can only be written before the first process enters a new time namespace.
        if !spec.createsNamespace("time") {
            report(path, "requires a new time namespace")
        }
        for clock in offsets.keys.sorted() {
            if !LinuxTimeOffset.knownClocks.contains(clock) { report(path.key(clock), "unknown clock \(quoted(clock))") }
            // /proc/self/timens_offsets refuses a nanosecond part of a second or more.
            if let nanosecs = offsets[clock]?.nanosecs, nanosecs >= 1_000_000_000 {
                report(path.key(clock).key("nanosecs"), "must be less than 1000000000")
            }
        }
    }

    /// runc's rules (libcontainer/configs/validate): a sysctl is allowed only when the
    /// namespace it belongs to is not the host's.
    private mutating func checkSysctl(_ sysctl: [String: String], at path: JSONPath) {
        let ipcKeys: Set = [
            "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
            "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"
        ]
        for key in sysctl.keys.sorted() {
            let keyPath = path.key(key)
            guard !key.isEmpty else {
                report(keyPath, "key must not be empty")
                continue
            }
            guard let file = SysctlKey.path(key) else {
                report(keyPath, "must name a file under /proc/sys: no empty, \".\" or \"..\" part")
                continue
            }
            let name = SysctlKey.dotted(path: file)
            if name.hasPrefix("fs.mqueue.") || ipcKeys.contains(name) {
                if spec.namespace(ofType: "ipc") == nil { report(keyPath, "requires an ipc namespace") }
            } else if name.hasPrefix("net.") {
                if spec.namespace(ofType: "network") == nil { report(keyPath, "requires a network namespace") }
            } else if name == "kernel.hostname" {
                report(keyPath, "conflicts with the hostname field")
            } else if name == "kernel.domainname" {
                if spec.namespace(ofType: "uts") == nil { report(keyPath, "requires a uts namespace") }
            } else {
                report(keyPath, "not in a separate kernel namespace")
            }
        }
    }

    private mutating func checkDevices(_ devices: [LinuxDevice], at path: JSONPath) {
        for (i, device) in devices.enumerated() {
            let devicePath = path.index(i)
            checkAbsolute(device.path, at: devicePath.key("path"))
            guard LinuxDevice.knownTypes.contains(device.type) else {
                report(devicePath.key("type"), "unknown device type \(quoted(device.type))")
                continue
            }
            if device.type != "p" {
                if device.major == nil { report(devicePath.key("major"), "required for device type \(quoted(device.type))") }
                if device.minor == nil { report(devicePath.key("minor"), "required for device type \(quoted(device.type))") }
            }
            checkDeviceNumber(device.major, max: DeviceNumber.maxMajor, wildcard: false, at: devicePath.key("major"))
            checkDeviceNumber(device.minor, max: DeviceNumber.maxMinor, wildcard: false, at: devicePath.key("minor"))
            // Permission bits only: the type comes from `type`.
            if let mode = device.fileMode, mode > 0o7777 {
                report(devicePath.key("fileMode"), "must be at most 0o7777 (4095): permission bits only")
            }
        }
    }

    private mutating func checkSeccomp(_ seccomp: LinuxSeccomp, at path: JSONPath) {
        var usesNotify = false
        if !LinuxSeccomp.knownActions.contains(seccomp.defaultAction) {
            report(path.key("defaultAction"), "unknown seccomp action \(quoted(seccomp.defaultAction))")
        } else if seccomp.defaultAction == "SCMP_ACT_NOTIFY" {
            // runc: notifying on every syscall would deadlock the agent's own handling.
            report(path.key("defaultAction"), "SCMP_ACT_NOTIFY cannot be the default action")
        }
        // libseccomp refuses an errno action whose errno is not below MAX_ERRNO (4095).
        if let errno = seccomp.defaultErrnoRet, errno >= 4095 {
            report(path.key("defaultErrnoRet"), "must be less than 4095")
        }
        for (i, arch) in (seccomp.architectures ?? []).enumerated() where !LinuxSeccomp.knownArchitectures.contains(arch) {
            report(path.key("architectures").index(i), "unknown seccomp architecture \(quoted(arch))")
        }
        for (i, flag) in (seccomp.flags ?? []).enumerated() where !LinuxSeccomp.knownFlags.contains(flag) {
            report(path.key("flags").index(i), "unknown seccomp flag \(quoted(flag))")
        }
        for (i, syscall) in (seccomp.syscalls ?? []).enumerated() {
            let rulePath = path.key("syscalls").index(i)
            if syscall.names.isEmpty {
                report(rulePath.key("names"), "must not be empty")
            }
            for (j, name) in syscall.names.enumerated() where name.isEmpty {
                report(rulePath.key("names").index(j), "must not be empty")
            }
            if !LinuxSeccomp.knownActions.contains(syscall.action) {
                report(rulePath.key("action"), "unknown seccomp action \(quoted(syscall.action))")
            }
            if let errno = syscall.errnoRet, errno >= 4095 {
                report(rulePath.key("errnoRet"), "must be less than 4095")
            }
            usesNotify = usesNotify || syscall.action == "SCMP_ACT_NOTIFY"
            for (j, arg) in (syscall.args ?? []).enumerated() {
                if arg.index >= 6 {
                    report(rulePath.key("args").index(j).key("index"), "must be less than 6")
                }
                if !LinuxSeccomp.knownOperators.contains(arg.op) {
                    report(rulePath.key("args").index(j).key("op"), "unknown seccomp operator \(quoted(arg.op))")
                }
            }
        }
        if let listener = seccomp.listenerPath, !listener.isEmpty {
            checkAbsolute(listener, at: path.key("listenerPath"))
        } else if usesNotify {
            report(path.key("listenerPath"), "required with SCMP_ACT_NOTIFY")
        }
    }
}
