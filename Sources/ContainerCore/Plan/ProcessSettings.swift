import OCISpec

/// runtime-spec 1.2 process settings beyond identity: personality, ioPriority, scheduler,
/// execCPUAffinity. Names were validated; here they become the numbers the kernel takes.
enum ProcessSettings {
    static func apply(
        _ process: Process, personality: LinuxPersonality?, memoryPolicy: LinuxMemoryPolicy? = nil,
        host: any PlannerHost = LiveHost(), to plan: inout LaunchPlan
    ) throws {
        if let policy = memoryPolicy, let mode = LinuxMemoryPolicy.knownModes[policy.mode] {
            let flags = (policy.flags ?? []).reduce(UInt32(0)) { $0 | (LinuxMemoryPolicy.knownFlags[$1] ?? 0) }
            let nodes = try policy.nodes.flatMap { $0.isEmpty ? nil : try cpuMask($0, what: "linux.memoryPolicy.nodes") }
            plan.memoryPolicy = (mode | Int32(bitPattern: flags), nodes)
        }
        if let personality { plan.personality = personality.domain == "LINUX32" ? 0x0008 : 0x0000 }
        if let io = process.ioPriority, let cls = LinuxIOPriority.knownClasses[io.class] {
            plan.ioPriority = try (cls << 13) | narrowed(io.priority, "process.ioPriority.priority")
        }
        if let s = process.scheduler, let policy = Scheduler.knownPolicies.firstIndex(of: s.policy) {
            let flags = (s.flags ?? []).reduce(UInt64(0)) { $0 | (Scheduler.knownFlags[$1] ?? 0) }
            plan.scheduler = .init(
                policy: try narrowed(policy, "process.scheduler.policy"), flags: flags, nice: s.nice ?? 0,
                priority: try narrowed(s.priority ?? 0, "process.scheduler.priority"), runtime: s.runtime ?? 0,
                deadline: s.deadline ?? 0, period: s.period ?? 0)
        }
        plan.lsmExec = securityLabel(process, host: host)
        if let affinity = process.execCPUAffinity {
            plan.cpuAffinityInitial = try affinity.initial.map { try cpuMask($0) }
            plan.cpuAffinityFinal = try affinity.final.map { try cpuMask($0) }
        }
    }

    /// AppArmor profile or SELinux label for the exec, when the host has that LSM enabled;
    /// otherwise ignored with a debug note, as runc does.
    static func securityLabel(_ process: Process, host: any PlannerHost = LiveHost()) -> (path: String, value: String)? {
        if let profile = process.apparmorProfile, !profile.isEmpty {
            if host.hostFile("/sys/module/apparmor/parameters/enabled")?.hasPrefix("Y") == true {
                let attr = host.exists("/proc/self/attr/apparmor/exec") ? "/proc/self/attr/apparmor/exec" : "/proc/self/attr/exec"
                return (attr, "exec " + profile)
            }
            Warnings.debug("process.apparmorProfile \"\(profile)\" ignored: AppArmor is not enabled on this host")
        }
        if let label = process.selinuxLabel, !label.isEmpty {
            if host.exists("/sys/fs/selinux/enforce") { return ("/proc/self/attr/exec", label) }
            Warnings.debug("process.selinuxLabel ignored: SELinux is not enabled on this host")
        }
        return nil
    }

    /// "0-3,7" → a bitmask of 1024 bits (a cpu_set_t, or a node mask).
    static func cpuMask(_ list: String, what: String = "process.execCPUAffinity") throws -> [UInt64] {
        var words = [UInt64](repeating: 0, count: 16)
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1).map { Int($0.filter { $0 != " " }) }
            guard let lo = bounds.first ?? nil, let hi = bounds.count == 2 ? bounds[1] : lo, lo <= hi, hi < 1024 else {
                throw RuntimeError("\(what): invalid list \"\(list)\"")
            }
            for cpu in lo...hi { words[cpu / 64] |= 1 << UInt64(cpu % 64) }
        }
        return words
    }
}
