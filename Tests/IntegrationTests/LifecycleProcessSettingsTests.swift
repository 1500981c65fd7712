import Glibc
import OCISpec
import Testing
import TestSupport
@testable import ContainerCore

/// runtime-spec 1.2 settings runc 1.1 (the conformance reference) does not know, so they are
/// checked here: memory policy, personality, scheduler, CPU affinity, as the process sees them.
extension Lifecycle {
    @Suite struct ProcessSettings {
        @Test func memoryPolicyPersonalitySchedulerAndAffinityReachTheProcess() throws {
            let f = try ContainerFixture(args: [
                "/bin/sh", "-c",
                "head -1 /proc/self/numa_maps > /out/numa; uname -m > /out/arch; "
                    + "grep -E '^policy' /proc/self/sched > /out/sched; grep Cpus_allowed_list /proc/self/status > /out/cpus"
            ])
            f.spec.linux?.memoryPolicy = LinuxMemoryPolicy(mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES"])
            f.spec.linux?.personality = LinuxPersonality(domain: "LINUX32")
            f.spec.process?.scheduler = Scheduler(policy: "SCHED_BATCH", nice: 3)
            f.spec.process?.execCPUAffinity = CPUAffinity(final: "0")
            try f.writeSpec()
            let id = f.newID("settings")
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            #expect(f.outFile("numa")?.contains(" bind=static:0 ") == true, "\(f.outFile("numa") ?? "-")")
            #expect(f.outFile("arch") == "i686\n")
            #expect(f.outFile("sched")?.split(separator: " ", omittingEmptySubsequences: true).last == "3\n")  // SCHED_BATCH
            #expect(f.outFile("cpus")?.hasSuffix("\t0\n") == true, "\(f.outFile("cpus") ?? "-")")
        }
    }
}
