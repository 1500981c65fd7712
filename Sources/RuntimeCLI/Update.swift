import ArgumentParser
import ContainerCore
import FoundationEssentials
import OCISpec

struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", _superCommandName: "runtime",
        abstract: "Change the resource limits of a running container.",
        discussion: "--resources takes a linux.resources JSON object (a file, or - for stdin); the other "
            + "options are applied on top of it. Sizes accept k, m, g suffixes (32m, 1g); -1 means unlimited.")

    @Option(name: [.customShort("r"), .long], help: "File with a LinuxResources JSON object, or - for stdin.")
    var resources: String?
    @Option(parsing: .unconditional, help: "Memory limit in bytes (suffixes k, m, g; -1: unlimited).")
    var memory: String?
    @Option(name: .customLong("memory-reservation"), parsing: .unconditional, help: "Memory soft limit.")
    var memoryReservation: String?
    @Option(name: .customLong("memory-swap"), parsing: .unconditional, help: "Memory + swap limit (-1: unlimited swap).")
    var memorySwap: String?
    @Option(name: .customLong("kernel-memory"), parsing: .unconditional, help: "Obsolete: ignored, as runc does.")
    var kernelMemory: String?
    @Option(name: .customLong("kernel-memory-tcp"), parsing: .unconditional, help: "Obsolete: ignored, as runc does.")
    var kernelMemoryTCP: String?
    @Option(name: [.customLong("cpu-share"), .customLong("cpu-shares")], help: "CPU shares (relative weight).")
    var cpuShares: UInt64?
    @Option(name: .customLong("cpu-quota"), parsing: .unconditional, help: "CFS quota in microseconds per period.")
    var cpuQuota: Int64?
    @Option(name: .customLong("cpu-period"), help: "CFS period in microseconds.")
    var cpuPeriod: UInt64?
    @Option(name: .customLong("cpu-burst"), help: "CFS burst in microseconds.")
    var cpuBurst: UInt64?
    @Option(name: .customLong("cpu-rt-runtime"), parsing: .unconditional, help: "Realtime runtime in microseconds.")
    var cpuRtRuntime: Int64?
    @Option(name: .customLong("cpu-rt-period"), help: "Realtime period in microseconds.")
    var cpuRtPeriod: UInt64?
    @Option(name: .customLong("cpu-idle"), parsing: .unconditional, help: "1: SCHED_IDLE for the cgroup.")
    var cpuIdle: Int64?
    @Option(name: .customLong("cpuset-cpus"), help: "CPUs to use (0-3,5).")
    var cpusetCpus: String?
    @Option(name: .customLong("cpuset-mems"), help: "Memory nodes to use.")
    var cpusetMems: String?
    @Option(name: .customLong("blkio-weight"), help: "Block IO weight, 10 to 1000.")
    var blkioWeight: UInt16?
    @Option(name: .customLong("pids-limit"), parsing: .unconditional, help: "Maximum number of processes (-1: unlimited).")
    var pidsLimit: Int64?
    @Option(name: .customLong("l3-cache-schema"), help: "Intel RDT L3 cache schema (not supported).")
    var l3CacheSchema: String?
    @Option(name: .customLong("mem-bw-schema"), help: "Intel RDT memory bandwidth schema (not supported).")
    var memBwSchema: String?
    @Argument(help: "Container id.") var id: String

    func run() throws {
        if l3CacheSchema != nil || memBwSchema != nil {
            throw RuntimeError.unsupported("--l3-cache-schema/--mem-bw-schema: Intel RDT is not supported by this runtime")
        }
        var changes = try resourcesFile() ?? LinuxResources()
        try applyFlags(to: &changes)
        for (flag, value) in [("kernel-memory", kernelMemory), ("kernel-memory-tcp", kernelMemoryTCP)] where value != nil {
            FileOut.stderr("runtime: warning: setting --\(flag) is ignored (kernel memory limits are obsolete)\n")
        }
        for note in try GlobalOptions.current.runtime.update(id: id, changes: changes) {
            FileOut.stderr("runtime: warning: \(note)\n")
        }
    }

    private func resourcesFile() throws -> LinuxResources? {
        guard let resources else { return nil }
        let name = resources == "-" ? "standard input" : resources
        do {
            let data =
                resources == "-"
                ? try SpecLoader.readStandardInput(name: name)
                : try SpecLoader.readCallersFile(FileIO.absolute(resources), name: name)
            return try SpecLoader.decode(LinuxResources.self, from: data, file: name)
        } catch {
            throw RuntimeError("--resources: \(error)")
        }
    }

    private func applyFlags(to r: inout LinuxResources) throws {
        func size(_ flag: String, _ text: String?) throws -> Int64? {
            guard let text else { return nil }
            do { return try ResourceUnits.ramInBytes(text) } catch { throw RuntimeError("invalid value for \(flag): \(error)") }
        }
        if memory != nil || memoryReservation != nil || memorySwap != nil {
            var m = r.memory ?? LinuxMemory()
            if let v = try size("memory", memory) { m.limit = v }
            if let v = try size("memory-reservation", memoryReservation) { m.reservation = v }
            if let v = try size("memory-swap", memorySwap) { m.swap = v }
            r.memory = m
        }
        let anyCPU =
            cpuShares != nil || cpuQuota != nil || cpuPeriod != nil || cpuBurst != nil
            || cpuRtRuntime != nil || cpuRtPeriod != nil || cpuIdle != nil || cpusetCpus != nil || cpusetMems != nil
        if anyCPU {
            var c = r.cpu ?? LinuxCPU()
            if let cpuShares { c.shares = cpuShares }
            if let cpuQuota { c.quota = cpuQuota }
            if let cpuPeriod { c.period = cpuPeriod }
            if let cpuBurst { c.burst = cpuBurst }
            if let cpuRtRuntime { c.realtimeRuntime = cpuRtRuntime }
            if let cpuRtPeriod { c.realtimePeriod = cpuRtPeriod }
            if let cpuIdle { c.idle = cpuIdle }
            if let cpusetCpus { c.cpus = cpusetCpus }
            if let cpusetMems { c.mems = cpusetMems }
            r.cpu = c
        }
        if let blkioWeight {
            var b = r.blockIO ?? LinuxBlockIO()
            b.weight = blkioWeight
            r.blockIO = b
        }
        if let pidsLimit { r.pids = LinuxPids(limit: pidsLimit) }
    }
}
