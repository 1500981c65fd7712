/// The eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) that enforces device rules on
/// cgroup v2, which has no devices.allow/deny files. It plays the role of runc's
/// cgroups/devices/devicefilter.go and crun's ebpf.c, with the rule semantics of
/// the v1 files: start from "deny everything", and for each access bit the LAST
/// rule that matches the device decides.
///
/// The kernel calls the program with struct bpf_cgroup_dev_ctx
/// { u32 access_type; u32 major; u32 minor; }, where access_type is
/// (access << 16) | type; it returns 1 to allow, 0 to deny.
///
/// Generated code, rules visited last to first:
///
///     r2 = ctx.access_type & 0xffff   ; device type (BPF_DEVCG_DEV_*)
///     r3 = ctx.access_type >> 16      ; requested access bits not yet granted
///     r4 = ctx.major; r5 = ctx.minor
///     for each rule, newest first:
///        if type/major/minor differ: goto next rule
///        allow:  r3 &= ~rule.access; if r3 != 0 goto next; return 1
///        deny:   if (r3 & rule.access) == 0 goto next; return 0
///     return 0
///
/// A rule matching every device and access ends the program (the verifier rejects
/// unreachable instructions, and older rules could not change the outcome).
struct DeviceFilterProgram: Equatable {
    struct Instruction: Equatable {
        var code: UInt8
        var dst: UInt8 = 0
        var src: UInt8 = 0
        var off: Int16 = 0
        var imm: Int32 = 0

        /// struct bpf_insn, little-endian (dst_reg is the low nibble).
        var bytes: [UInt8] {
            let o = UInt16(bitPattern: off), i = UInt32(bitPattern: imm)
            return [
                code, (src << 4) | (dst & 0x0f), UInt8(o & 0xff), UInt8(o >> 8),
                UInt8(i & 0xff), UInt8((i >> 8) & 0xff), UInt8((i >> 16) & 0xff), UInt8(i >> 24)
            ]
        }
    }

    // Opcodes (linux/bpf.h, linux/bpf_common.h).
    static let ldxMemW: UInt8 = 0x61  // BPF_LDX | BPF_MEM | BPF_W
    static let and32K: UInt8 = 0x54  // BPF_ALU | BPF_AND | BPF_K
    static let rsh32K: UInt8 = 0x74  // BPF_ALU | BPF_RSH | BPF_K
    static let mov32K: UInt8 = 0xb4  // BPF_ALU | BPF_MOV | BPF_K
    static let mov32X: UInt8 = 0xbc  // BPF_ALU | BPF_MOV | BPF_X
    static let jneK: UInt8 = 0x55  // BPF_JMP | BPF_JNE | BPF_K
    static let jeqK: UInt8 = 0x15  // BPF_JMP | BPF_JEQ | BPF_K
    static let exit: UInt8 = 0x95  // BPF_JMP | BPF_EXIT

    // BPF_DEVCG_DEV_BLOCK / BPF_DEVCG_DEV_CHAR.
    static let devBlock: Int32 = 1, devChar: Int32 = 2

    static let license = "Apache"

    var instructions: [Instruction]

    init(rules: [DeviceRule]) throws {
        var insns: [Instruction] = [
            .init(code: Self.ldxMemW, dst: 2, src: 1, off: 0),
            .init(code: Self.and32K, dst: 2, imm: 0xffff),
            .init(code: Self.ldxMemW, dst: 3, src: 1, off: 0),
            .init(code: Self.rsh32K, dst: 3, imm: 16),
            .init(code: Self.ldxMemW, dst: 4, src: 1, off: 4),
            .init(code: Self.ldxMemW, dst: 5, src: 1, off: 8)
        ]
        var terminated = false
        for rule in rules.reversed() {
            let (block, final) = try Self.block(for: rule)
            insns += block
            if final { terminated = true; break }
        }
        if !terminated {
            insns += [.init(code: Self.mov32K, dst: 0, imm: 0), .init(code: Self.exit)]
        }
        instructions = insns
    }

    /// One rule's instructions; conditional jumps skip to the end of the block.
    /// `final` is true when the block returns for every input.
    static func block(for rule: DeviceRule) throws -> (insns: [Instruction], final: Bool) {
        var b: [Instruction] = []
        var jumps: [Int] = []  // indices whose offset must reach the end of the block
        func jumpToNext(_ insn: Instruction) { jumps.append(b.count); b.append(insn) }

        switch rule.kind {
        case .char: jumpToNext(.init(code: jneK, dst: 2, imm: devChar))
        case .block: jumpToNext(.init(code: jneK, dst: 2, imm: devBlock))
        case .all: break
        }
        // Device numbers fit in 12 (major) and 20 (minor) bits (DeviceRule checks), so the
        // 64-bit comparison against a sign-extended imm is exact.
        if let major = rule.major { jumpToNext(.init(code: jneK, dst: 4, imm: try immediate(major))) }
        if let minor = rule.minor { jumpToNext(.init(code: jneK, dst: 5, imm: try immediate(minor))) }
        let allAccess = rule.access & DeviceRule.rwm == DeviceRule.rwm
        if rule.allow {
            if !allAccess {
                b.append(.init(code: and32K, dst: 3, imm: Int32(0xffff & ~UInt32(rule.access))))
                jumpToNext(.init(code: jneK, dst: 3, imm: 0))
            }
            b += [.init(code: mov32K, dst: 0, imm: 1), .init(code: exit)]
        } else {
            if !allAccess {
                b.append(.init(code: mov32X, dst: 1, src: 3))
                b.append(.init(code: and32K, dst: 1, imm: Int32(rule.access)))
                jumpToNext(.init(code: jeqK, dst: 1, imm: 0))
            }
            b += [.init(code: mov32K, dst: 0, imm: 0), .init(code: exit)]
        }
        for j in jumps {
            guard let off = Int16(exactly: b.count - (j + 1)) else { throw CgroupError("device filter: jump out of range") }
            b[j].off = off
        }
        return (b, jumps.isEmpty)
    }

    private static func immediate(_ number: UInt32) throws -> Int32 {
        guard let imm = Int32(exactly: number) else { throw CgroupError("device filter: device number \(number) out of range") }
        return imm
    }

    var bytes: [UInt8] { instructions.flatMap(\.bytes) }

    /// Evaluates the program like the kernel would (for tests and for checking
    /// the generator against the rule semantics without loading anything).
    func run(type: Int32, major: UInt32, minor: UInt32, access: UInt8) -> Bool {
        var r = [UInt64](repeating: 0, count: 11)
        let accessType = (UInt32(access) << 16) | UInt32(UInt16(truncatingIfNeeded: type))
        let ctx: [UInt32] = [accessType, major, minor]
        var pc = 0
        while pc < instructions.count {
            let i = instructions[pc]
            pc += 1
            let d = Int(i.dst), s = Int(i.src)
            let immU = UInt64(bitPattern: Int64(i.imm))
            switch i.code {
            case Self.ldxMemW: r[d] = UInt64(ctx[Int(i.off) / 4])
            case Self.and32K: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) & UInt32(bitPattern: i.imm))
            case Self.rsh32K: r[d] = UInt64(UInt32(truncatingIfNeeded: r[d]) >> UInt32(i.imm))
            case Self.mov32K: r[d] = UInt64(UInt32(bitPattern: i.imm))
            case Self.mov32X: r[d] = UInt64(UInt32(truncatingIfNeeded: r[s]))
            case Self.jneK: if r[d] != immU { pc += Int(i.off) }
            case Self.jeqK: if r[d] == immU { pc += Int(i.off) }
            case Self.exit: return r[0] == 1
            default: return false
            }
        }
        return false
    }
}
