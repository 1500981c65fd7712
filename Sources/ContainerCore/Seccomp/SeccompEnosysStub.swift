import CSeccomp
import Glibc
import OCISpec

/// runc's -ENOSYS stub (libcontainer/seccomp/patchbpf): a syscall whose number is above the
/// highest one the profile names, for the architecture it is made in, returns ENOSYS instead
/// of the default action. A profile predates such syscalls (clone3, faccessat2, openat2,
/// close_range for older profiles), and C libraries fall back to the older call only on
/// ENOSYS; EPERM would make them fail. Named syscalls keep their rules: the stub only decides
/// numbers above every named one, and everything else falls through to libseccomp's program.
///
/// libseccomp (2.5) cannot express "nr > N", so as runc does the stub is prepended to the
/// exported classic BPF. Differences from runc, both towards ENOSYS: the native architecture
/// counts even when `architectures` leaves it out (the filter covers it either way), and far
/// jumps are always `ja` (32-bit offsets), so no branch distance can overflow.
enum SeccompEnosysStub {
    struct Instruction: Equatable {
        var code: UInt16
        var jt: UInt8 = 0
        var jf: UInt8 = 0
        var k: UInt32 = 0
    }

    static let ldAbsWord: UInt16 = 0x20  // BPF_LD | BPF_W | BPF_ABS
    static let jumpAlways: UInt16 = 0x05  // BPF_JMP | BPF_JA
    static let jumpEqual: UInt16 = 0x15  // BPF_JMP | BPF_JEQ | BPF_K
    static let jumpGreater: UInt16 = 0x25  // BPF_JMP | BPF_JGT | BPF_K
    static let jumpBitsSet: UInt16 = 0x45  // BPF_JMP | BPF_JSET | BPF_K
    static let returnConstant: UInt16 = 0x06  // BPF_RET | BPF_K
    static let returnENOSYS = 0x0005_0000 | UInt32(ENOSYS)  // SECCOMP_RET_ERRNO | ENOSYS
    static let x32Bit: UInt32 = 0x4000_0000  // __X32_SYSCALL_BIT
    static let offsetNr: UInt32 = 0, offsetArch: UInt32 = 4  // struct seccomp_data
    /// Placeholder target of "go on with libseccomp's program", resolved in `assemble`.
    static let toFilter = Instruction(code: jumpAlways, k: UInt32.max)

    /// The highest syscall number the profile names, per architecture as the kernel reports
    /// it in seccomp_data.arch (AUDIT_ARCH_*). x86_64 carries two ABIs: x32 numbers have
    /// bit 30 set and their own maximum.
    struct Limits: Equatable {
        var plain: UInt32?
        var x32: UInt32?
    }

    /// The stub to put before `filter`'s program, or [] when the profile needs none.
    static func stub(for profile: LinuxSeccomp) -> [Instruction] {
        // A permissive default lets unknown syscalls through already (runc: allow, log and
        // trace — a tracer handles new syscalls itself); ERRNO(ENOSYS) already is the answer.
        if ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"].contains(profile.defaultAction) { return [] }
        if profile.defaultAction == "SCMP_ACT_ERRNO" && profile.defaultErrnoRet == UInt(ENOSYS) { return [] }
        return assemble(limits(for: profile))
    }

    static func limits(for profile: LinuxSeccomp) -> [UInt32: Limits] {
        let x32 = seccomp_arch_resolve_name("x32")
        let native = seccomp_arch_native()
        var tokens = [native]
        for arch in profile.architectures ?? [] {
            let token = seccomp_arch_resolve_name(arch.dropFirst("SCMP_ARCH_".count).lowercased())
            if token != 0 && !tokens.contains(token) { tokens.append(token) }
        }
        let names = Set((profile.syscalls ?? []).flatMap(\.names))
        var out: [UInt32: Limits] = [:]
        for token in tokens {
            let numbers = names.map { seccomp_syscall_resolve_name_arch(token, $0) }.filter { $0 >= 0 }
            guard let highest = numbers.max() else { continue }  // nothing named here: no stub (runc)
            // x32 runs under AUDIT_ARCH_X86_64 (SCMP_ARCH_X32 is libseccomp's own value).
            let audit = token == x32 ? seccomp_arch_resolve_name("x86_64") : token
            var l = out[audit] ?? Limits()
            if token == x32 { l.x32 = UInt32(highest) | x32Bit } else { l.plain = UInt32(highest) }
            out[audit] = l
        }
        return out
    }

    /// load arch; one dispatch per architecture; then each architecture's section:
    /// load nr, `jgt highest → ret ENOSYS`, else on to the filter.
    static func assemble(_ limits: [UInt32: Limits]) -> [Instruction] {
        let arches = limits.keys.sorted()
        guard !arches.isEmpty else { return [] }
        let sections = arches.map { section(audit: $0, limits[$0]!) }
        var program = [Instruction(code: ldAbsWord, k: offsetArch)]
        let header = 1 + 2 * arches.count + 1
        var start = header
        for (i, arch) in arches.enumerated() {
            program.append(Instruction(code: jumpEqual, jt: 0, jf: 1, k: arch))
            program.append(Instruction(code: jumpAlways, k: UInt32(start - (program.count + 1))))
            start += sections[i].count
        }
        program.append(toFilter)
        sections.forEach { program += $0 }
        let end = program.count
        return program.enumerated().map { pc, insn in
            insn == toFilter ? Instruction(code: jumpAlways, k: UInt32(end - (pc + 1))) : insn
        }
    }

    static func section(audit: UInt32, _ l: Limits) -> [Instruction] {
        func above(_ highest: UInt32) -> [Instruction] {
            [
                Instruction(code: jumpGreater, jt: 0, jf: 1, k: highest),
                Instruction(code: returnConstant, k: returnENOSYS), toFilter
            ]
        }
        var out = [Instruction(code: ldAbsWord, k: offsetNr)]
        // s390: an unknown large syscall number reaches seccomp as 0, setup(2), the multiplexer.
        if audit == seccomp_arch_resolve_name("s390") || audit == seccomp_arch_resolve_name("s390x") {
            out += [Instruction(code: jumpEqual, jt: 0, jf: 1, k: 0), Instruction(code: returnConstant, k: returnENOSYS)]
        }
        switch (l.plain, l.x32) {
        case let (plain?, x32?):
            out.append(Instruction(code: jumpBitsSet, jt: 3, jf: 0, k: x32Bit))
            out += above(plain) + above(x32)
        case let (plain?, nil):
            // On x86_64 an x32 call is not this ABI's: leave it to the filter.
            if audit == seccomp_arch_resolve_name("x86_64") { out.append(Instruction(code: jumpBitsSet, jt: 2, jf: 0, k: x32Bit)) }
            out += above(plain)
        case let (nil, x32?):
            out.append(Instruction(code: jumpBitsSet, jt: 0, jf: 2, k: x32Bit))
            out += above(x32)
        case (nil, nil):
            out.append(toFilter)
        }
        return out
    }

    /// struct sock_filter[] in host byte order, as seccomp_export_bpf writes it.
    static func bytes(_ program: [Instruction]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(program.count * 8)
        for var insn in program {
            withUnsafeBytes(of: &insn.code) { out += $0 }
            out += [insn.jt, insn.jf]
            withUnsafeBytes(of: &insn.k) { out += $0 }
        }
        return out
    }
}
