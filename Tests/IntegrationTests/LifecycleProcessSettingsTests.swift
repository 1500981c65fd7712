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

        /// Both sysctl(8) spellings of a key for an interface with a dot in its name reach
        /// that interface's file (runc 1.1 turns every dot into a slash and misses it). The
        /// container joins a network namespace that holds a veth `d0.100` (its peer `d0p`; this kernel has no dummy links).
        @Test func sysctlKeysForADottedInterfaceNameReachItsFiles() throws {
            let netns = "rt-sysctl-\(getpid())"
            try ContainerFixture.sh(["/usr/bin/env", "ip", "netns", "add", netns])
            defer { try? ContainerFixture.sh(["/usr/bin/env", "ip", "netns", "delete", netns]) }
            try ContainerFixture.sh(["/usr/bin/env", "ip", "-n", netns, "link", "add", "d0.100", "type", "veth", "peer", "name", "d0p"])
            let f = try ContainerFixture(args: [
                "/bin/sh", "-c",
                "cat /proc/sys/net/ipv4/conf/d0.100/forwarding > /out/fwd; cat /proc/sys/net/ipv4/conf/d0.100/rp_filter > /out/rp"
            ])
            f.spec.linux?.namespaces?.removeAll { $0.type == "network" }
            f.spec.linux?.namespaces?.append(LinuxNamespace(type: "network", path: "/run/netns/" + netns))
            f.spec.linux?.sysctl = ["net.ipv4.conf.d0/100.forwarding": "1", "net/ipv4/conf/d0.100/rp_filter": "2"]
            try f.writeSpec()
            let id = f.newID("sysctl")
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            #expect(f.outFile("fwd") == "1\n")
            #expect(f.outFile("rp") == "2\n")
        }
    }
}
