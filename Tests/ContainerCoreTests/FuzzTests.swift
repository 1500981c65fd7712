import Foundation
import Glibc
import Testing
@testable import Cgroups
@testable import ContainerCore
@testable import OCISpec
import TestSupport

/// Issue 10: no config may crash `create`. Thousands of deterministic mutations of every
/// valid fixture and of the default spec go through decode → validate → plan (and the
/// cgroup layer's value conversions, which need no cgroup); a trap fails the whole test
/// run. Every error must be one line, and a config the validator accepts must plan:
/// otherwise `validate` and `create` disagree.
@Suite struct FuzzTests {
    /// Random multi-edit mutations per seed, after the sweep of single-leaf edits.
    static let mutationsPerSeed = 200
    static let seed: UInt64 = 0x5EED_0010

    static func seeds() throws -> [(name: String, json: JSONValue)] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("specs/valid")
        var seeds: [(String, JSONValue)] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".json") {
            seeds.append((file, try JSONParser.parse(try Data(contentsOf: dir.appendingPathComponent(file)))))
        }
        for rootless in [false, true] {
            let data = try Spec.defaultSpec(rootless: rootless, uid: 1000, gid: 1000).encodedJSON(pretty: false)
            seeds.append(("defaultSpec(rootless: \(rootless))", try JSONParser.parse(data)))
        }
        return seeds
    }

    enum Outcome: Hashable { case undecodable, invalid, planned, refusedByPlanner }

    @Test func mutatedConfigsNeverTrapAndValidatorAgreesWithPlanner() throws {
        let bundle = try TempDir("fuzz")
        try bundle.dir("rootfs/etc")
        try bundle.file("rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        var mutator = ConfigMutator(rng: SplitMix64(seed: Self.seed))
        var counts: [Outcome: Int] = [:]
        var disagreements: [String] = []
        let seeds = try Self.seeds()
        for (name, json) in seeds {
            // The seed itself must plan: it is valid.
            let (outcome, problem) = Self.check(Data(json.text.utf8), bundle: bundle.path)
            #expect((outcome == .planned || outcome == .refusedByPlanner) && problem == nil, "\(name): \(problem ?? "")")
            let sweep = ConfigMutator.sweep(json)
            let random = (0..<Self.mutationsPerSeed).map { _ in mutator.mutate(json) }
            for (i, mutation) in (sweep + random).enumerated() {
                let text = mutation.text
                let (outcome, problem) = Self.check(Data(text.utf8), bundle: bundle.path)
                counts[outcome, default: 0] += 1
                if let problem, !disagreements.contains(where: { $0.hasPrefix(problem) }) {
                    disagreements.append("\(problem)\n  first seen in \(name) mutation #\(i): \(text.prefix(3000))")
                }
            }
        }
        let total = counts.values.reduce(0, +)
        print(
            "fuzz: \(total) mutations of \(seeds.count) seeds: \(counts.sorted { "\($0.key)" < "\($1.key)" }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
        )
        #expect(total >= seeds.count * Self.mutationsPerSeed)
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        // The mutations must reach every stage, or the test proves little.
        #expect(counts[.undecodable, default: 0] > 0 && counts[.invalid, default: 0] > 0 && counts[.planned, default: 0] > total / 20)
    }

    /// The outcome, and what is wrong with it (a multi-line error, or a config the
    /// validator accepted but planning refused).
    static func check(_ data: Data, bundle: String) -> (outcome: Outcome, problem: String?) {
        func multiLine(_ message: String) -> String? { message.contains("\n") || message.contains("\r") ? "not one line: \(message)" : nil }
        let spec: Spec
        do { spec = try SpecLoader.decode(data) } catch { return (.undecodable, multiLine(error.description)) }
        let issues = SpecValidator.validate(spec, bundle: bundle)
        if let process = spec.process {  // as `exec --process` checks it
            _ = SpecValidator.validate(process: process)
        }
        if let resources = spec.linux?.resources {  // as `update` checks it
            _ = SpecValidator.validate(resources: resources, file: "update")
        }
        if let issue = issues.first {
            return (.invalid, issues.lazy.compactMap { multiLine($0.description) }.first ?? multiLine(issue.description))
        }
        do {
            try plan(spec, bundle: bundle)
        } catch {
            let message = "\(error)"
            // What this host's libseccomp lacks is known only when compiling (as in runc).
            if message.contains("unknown to libseccomp") { return (.refusedByPlanner, multiLine(message)) }
            return (.refusedByPlanner, "validated, then refused: \(message)")
        }
        return (.planned, nil)
    }

    /// Everything `create`, `exec` and the hooks decide from a config before any syscall
    /// that changes the system.
    static func plan(_ spec: Spec, bundle: String) throws {
        let planner = Planner(spec: spec, bundle: bundle)
        _ = try planner.plan()
        if let process = spec.process { _ = try planner.planExec(process, pid: getpid()) }
        for (name, hooks) in spec.hooks?.all ?? [] {
            for hook in hooks {
                if let timeout = hook.timeout { _ = try pollMilliseconds(seconds: timeout, "hooks.\(name)") }
            }
        }
        // A container-namespace hook is planned like `exec` (one is enough: each plan
        // compiles the seccomp filter again, the slowest step here).
        if let hook = spec.hooks?.all.first?.hooks.first {
            let process = Process(user: User(), args: hook.args ?? [hook.path], env: hook.env ?? [], cwd: "/")
            _ = try planner.planExec(process, pid: getpid())
        }
        if let resources = spec.linux?.resources { try convertForCgroups(resources) }
    }

    /// The cgroup layer's conversions, without a cgroup.
    static func convertForCgroups(_ r: LinuxResources) throws {
        let rules = try DeviceRule.resolve(DeviceRules.runcDefaultAllowed + (r.devices ?? []))
        _ = DeviceRules.v1Writes(rules)
        _ = try DeviceFilterProgram(rules: rules).bytes
        if let m = r.memory {
            if (m.limit ?? 0) != 0 || (m.swap ?? 0) != 0 { _ = try CgroupConversions.swapMax(memorySwap: m.swap, memoryLimit: m.limit) }
            _ = CgroupConversions.v2Number(m.limit)
        }
        if let c = r.cpu {
            _ = try CgroupConversions.cpuWeight(fromShares: c.shares ?? 0)
            _ = CgroupConversions.cpuMax(quota: c.quota, period: c.period)
        }
        if let p = r.pids { _ = CgroupConversions.pidsMax(p.limit) }
        if let b = r.blockIO {
            for w in [b.weight] + (b.weightDevice ?? []).map(\.weight) { _ = CgroupConversions.ioWeight(fromBlkioWeight: w ?? 0) }
            _ = V2Resources.ioMaxLines(b)
        }
        for limit in r.hugepageLimits ?? [] { _ = try hugepageSize(limit.pageSize) }
        for (device, limit) in r.rdma ?? [:] { _ = rdmaLine(device, limit) }
    }
}
