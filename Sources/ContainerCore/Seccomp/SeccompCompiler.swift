import CSeccomp
import CShim
import Glibc
import OCISpec

/// OCI seccomp → libseccomp → classic BPF, in the parent. The child only hands the bytes
/// to seccomp(2) right before execve, so nothing of libseccomp runs after clone().
enum SeccompCompiler {
    /// The shape of the BPF this compiler emits; part of the cache key, so that a change
    /// (2: the -ENOSYS stub) never reuses filters compiled by an older one.
    static let formatVersion = 2

    /// Syscalls the runtime itself makes once a filter with a listener is loaded and before
    /// the agent has the listener: notified, they would wait for an agent that never gets it.
    /// `sendmsg` carries READY (and the listener) to the parent; `write` is runc's (its init
    /// writes to the parent there), refused too so that profiles behave the same on both.
    static let runtimeSyscallsAfterLoad: Set = ["write", "sendmsg"]

    struct Compiled {
        var filter: [UInt8]  // struct sock_filter[]
        var flags: UInt32  // SECCOMP_FILTER_FLAG_*
        var usesNotify: Bool
    }

    static let flagBits: [String: UInt32] = [
        "SECCOMP_FILTER_FLAG_TSYNC": 1, "SECCOMP_FILTER_FLAG_LOG": 2,
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW": 4, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV": 32
    ]

    /// libseccomp's action encodings (seccomp.h macros Swift cannot import).
    static func action(_ name: String, errnoRet: UInt?, defaultErrno: UInt?) -> UInt32 {
        switch name {
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD": return 0x0000_0000
        case "SCMP_ACT_KILL_PROCESS": return 0x8000_0000
        case "SCMP_ACT_TRAP": return 0x0003_0000
        case "SCMP_ACT_ERRNO": return 0x0005_0000 | UInt32((errnoRet ?? defaultErrno ?? UInt(EPERM)) & 0xffff)
        case "SCMP_ACT_TRACE": return 0x7ff0_0000 | UInt32((errnoRet ?? defaultErrno ?? UInt(EPERM)) & 0xffff)
        case "SCMP_ACT_LOG": return 0x7ffc_0000
        case "SCMP_ACT_NOTIFY": return 0x7fc0_0000
        default: return 0x7fff_0000  // SCMP_ACT_ALLOW; names were validated before
        }
    }

    static let operators: [String: scmp_compare] = [
        "SCMP_CMP_NE": SCMP_CMP_NE, "SCMP_CMP_LT": SCMP_CMP_LT, "SCMP_CMP_LE": SCMP_CMP_LE,
        "SCMP_CMP_EQ": SCMP_CMP_EQ, "SCMP_CMP_GE": SCMP_CMP_GE, "SCMP_CMP_GT": SCMP_CMP_GT,
        "SCMP_CMP_MASKED_EQ": SCMP_CMP_MASKED_EQ
    ]

    /// What libseccomp cannot judge: refused with the JSON path before anything is compiled.
    static func check(_ config: LinuxSeccomp) throws {
        for (index, rule) in (config.syscalls ?? []).enumerated() where rule.action == "SCMP_ACT_NOTIFY" {
            for (j, name) in rule.names.enumerated() where runtimeSyscallsAfterLoad.contains(name) {
                let path = JSONPath("linux.seccomp.syscalls").index(index).key("names").index(j)
                throw RuntimeError(
                    "config.json: \(path): SCMP_ACT_NOTIFY cannot be used for \"\(name)\": "
                        + "the runtime makes this syscall itself after loading the filter")
            }
        }
    }

    static func compile(_ config: LinuxSeccomp) throws -> Compiled {
        try check(config)
        let defaultAction = action(config.defaultAction, errnoRet: config.defaultErrnoRet, defaultErrno: nil)
        guard let ctx = seccomp_init(defaultAction) else { throw RuntimeError("seccomp: cannot initialise libseccomp") }
        defer { seccomp_release(ctx) }

        for arch in config.architectures ?? [] {
            let token = arch.dropFirst("SCMP_ARCH_".count).lowercased()
            let value = seccomp_arch_resolve_name(token)
            guard value != 0 else { throw RuntimeError("seccomp: architecture \(arch) unknown to libseccomp") }
            let r = seccomp_arch_add(ctx, value)
            if r != 0 && r != -EEXIST { throw RuntimeError.errno("seccomp: adding architecture \(arch)", -r) }
        }

        var usesNotify = config.defaultAction == "SCMP_ACT_NOTIFY"
        for (index, rule) in (config.syscalls ?? []).enumerated() {
            let ruleAction = action(rule.action, errnoRet: rule.errnoRet, defaultErrno: config.defaultErrnoRet)
            if rule.action == "SCMP_ACT_NOTIFY" { usesNotify = true }
            // A rule equal to the default action is redundant, and libseccomp refuses it.
            if ruleAction == defaultAction { continue }
            let conditions = try (rule.args ?? []).map { arg -> scmp_arg_cmp in
                guard let op = operators[arg.op] else { throw RuntimeError("seccomp: unknown operator \(arg.op)") }
                return scmp_arg_cmp(
                    arg: try narrowed(arg.index, "seccomp: argument index"), op: op, datum_a: arg.value, datum_b: arg.valueTwo ?? 0)
            }
            for name in rule.names {
                let nr = seccomp_syscall_resolve_name(name)
                if nr == __NR_SCMP_ERROR { continue }  // unknown on this kernel/arch: skipped, as runc does
                try addRule(
                    ctx, action: ruleAction, syscall: nr, conditions: conditions,
                    what: "linux.seccomp.syscalls[\(index)] \(name)")
            }
        }

        let stub = SeccompEnosysStub.bytes(SeccompEnosysStub.stub(for: config))
        return Compiled(filter: stub + (try export(ctx)), flags: flags(config), usesNotify: usesNotify)
    }

    static func flags(_ config: LinuxSeccomp) -> UInt32 {
        (config.flags ?? []).reduce(0) { $0 | (flagBits[$1] ?? 0) }
    }

    static func usesNotify(_ config: LinuxSeccomp) -> Bool {
        config.defaultAction == "SCMP_ACT_NOTIFY" || (config.syscalls ?? []).contains { $0.action == "SCMP_ACT_NOTIFY" }
    }

    /// Conditions on distinct arguments are one rule (AND); several on the same
    /// argument become one rule each (OR) — runc's reading of the spec.
    private static func addRule(
        _ ctx: scmp_filter_ctx, action: UInt32, syscall: Int32,
        conditions: [scmp_arg_cmp], what: String
    ) throws {
        let distinct = Set(conditions.map(\.arg)).count == conditions.count
        let groups: [[scmp_arg_cmp]] = distinct ? [conditions] : conditions.map { [$0] }
        for group in groups {
            let r = group.withUnsafeBufferPointer {
                seccomp_rule_add_array(ctx, action, syscall, UInt32(group.count), $0.baseAddress)
            }
            if r != 0 { throw RuntimeError.errno("seccomp: adding rule \(what)", -r) }
        }
    }

    /// libseccomp 2.5 exports only to a file descriptor: use an anonymous memfd.
    private static func export(_ ctx: scmp_filter_ctx) throws -> [UInt8] {
        let fd = shim_memfd("seccomp")
        guard fd >= 0 else { throw RuntimeError.errno("seccomp: memfd_create") }
        defer { close(fd) }
        let r = seccomp_export_bpf(ctx, fd)
        guard r == 0 else { throw RuntimeError.errno("seccomp: exporting BPF", -r) }
        let size = lseek(fd, 0, SEEK_END)
        guard size >= 0 else { throw RuntimeError.errno("seccomp: sizing BPF") }
        // seccomp(2) refuses more than BPF_MAXINSNS (4096) instructions of 8 bytes; the
        // plan's C field is 16 bits wide, so this check also keeps that narrowing exact.
        guard size / 8 <= 4096 else {
            throw RuntimeError("linux.seccomp: the filter has \(size / 8) instructions; the kernel takes at most 4096")
        }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(size), 0) }
        guard n == size else { throw RuntimeError.errno("seccomp: reading BPF") }
        return bytes
    }
}
