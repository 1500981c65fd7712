import Glibc
import OCISpec
import Testing
@testable import ContainerCore

/// runc's -ENOSYS rule (issue 13 #5): syscalls numbered above the highest the profile names
/// (per architecture) get ENOSYS; named ones keep their actions. The compiled filter is run
/// through a small classic-BPF interpreter, as the kernel would run it.
@Suite struct SeccompEnosysTests {
    static let allow: UInt32 = 0x7fff_0000
    static let eperm: UInt32 = 0x0005_0000 | UInt32(EPERM)
    static let enosys: UInt32 = 0x0005_0000 | UInt32(ENOSYS)
    static let x8664: UInt32 = 0xc000_003e, i386: UInt32 = 0x4000_0003, aarch64: UInt32 = 0xc000_00b7
    static let x32Bit: UInt32 = 0x4000_0000

    /// ERRNO(EPERM) by default; read/write/close/exit_group allowed (exit_group, 231 on x86_64
    /// and 252 on i386, is the highest named); mkdir named and denied.
    static let profile = LinuxSeccomp(
        defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        syscalls: [
            LinuxSyscall(names: ["read", "write", "close", "exit_group"], action: "SCMP_ACT_ALLOW"),
            LinuxSyscall(names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: UInt(EPERM))
        ])

    static func run(_ profile: LinuxSeccomp, arch: UInt32, nr: UInt32) throws -> UInt32 {
        let filter = try SeccompCompiler.compile(profile).filter
        return try #require(ClassicBPF.run(filter, nr: nr, arch: arch), "filter uses an opcode the test interpreter lacks")
    }

    @Test func newerSyscallsGetENOSYSNamedOnesKeepTheirAction() throws {
        let p = Self.profile
        #expect(try Self.run(p, arch: Self.x8664, nr: 0) == Self.allow)  // read
        #expect(try Self.run(p, arch: Self.x8664, nr: 231) == Self.allow)  // exit_group, the highest
        #expect(try Self.run(p, arch: Self.x8664, nr: 83) == Self.eperm)  // mkdir, named and denied
        #expect(try Self.run(p, arch: Self.x8664, nr: 39) == Self.eperm)  // getpid: unnamed but older
        #expect(try Self.run(p, arch: Self.x8664, nr: 232) == Self.enosys)
        #expect(try Self.run(p, arch: Self.x8664, nr: 435) == Self.enosys)  // clone3
        #expect(try Self.run(p, arch: Self.x8664, nr: 0xffff_ffff) == Self.enosys)  // syscall(-1)
    }

    @Test func eachArchitectureHasItsOwnHighest() throws {
        let p = Self.profile
        #expect(try Self.run(p, arch: Self.i386, nr: 252) == Self.allow)  // i386 exit_group
        #expect(try Self.run(p, arch: Self.i386, nr: 240) == Self.eperm)  // below 252, unnamed
        #expect(try Self.run(p, arch: Self.i386, nr: 253) == Self.enosys)
        #expect(try Self.run(p, arch: Self.x8664, nr: Self.x32Bit | 1) == Self.allow)  // x32 write
        #expect(try Self.run(p, arch: Self.x8664, nr: Self.x32Bit | 100) == Self.eperm)
        #expect(try Self.run(p, arch: Self.x8664, nr: Self.x32Bit | 450) == Self.enosys)
        // An architecture outside the profile still gets libseccomp's bad-arch action.
        #expect(try Self.run(p, arch: Self.aarch64, nr: 1000) != Self.enosys)
    }

    @Test func permissiveOrENOSYSDefaultsGetNoStub() throws {
        var allow = Self.profile
        allow.defaultAction = "SCMP_ACT_ALLOW"
        #expect(SeccompEnosysStub.stub(for: allow).isEmpty)
        #expect(try Self.run(allow, arch: Self.x8664, nr: 1000) == Self.allow)
        var enosys = Self.profile
        enosys.defaultErrnoRet = UInt(ENOSYS)
        #expect(SeccompEnosysStub.stub(for: enosys).isEmpty)
        #expect(try Self.run(enosys, arch: Self.x8664, nr: 39) == Self.enosys)
    }

    @Test func limitsPerArchitecture() {
        let limits = SeccompEnosysStub.limits(for: Self.profile)
        #expect(limits[Self.x8664] == .init(plain: 231, x32: Self.x32Bit | 231))
        #expect(limits[Self.i386] == .init(plain: 252, x32: nil))
    }

    /// runc refuses SCMP_ACT_NOTIFY on `write`; we also need `sendmsg` (READY) unnotified.
    @Test func notifyOnRuntimeSyscallsIsRefusedWithThePath() {
        for name in ["write", "sendmsg"] {
            let p = LinuxSeccomp(
                defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/run/agent.sock",
                syscalls: [
                    LinuxSyscall(names: ["mkdir"], action: "SCMP_ACT_ERRNO"),
                    LinuxSyscall(names: ["openat", name], action: "SCMP_ACT_NOTIFY")
                ])
            #expect(throws: RuntimeError.self) { try SeccompCompiler.compile(p) }
            do { try SeccompCompiler.check(p) } catch {
                #expect(
                    String(describing: error).hasPrefix(
                        "config.json: linux.seccomp.syscalls[1].names[1]: SCMP_ACT_NOTIFY cannot be used for \"\(name)\""))
            }
        }
    }
}

/// Just enough of the classic BPF machine for libseccomp's programs over struct seccomp_data
/// (nr, arch, instruction pointer, six 64-bit arguments — all zero here but nr and arch).
enum ClassicBPF {
    static func run(_ filter: [UInt8], nr: UInt32, arch: UInt32) -> UInt32? {
        var data = [UInt8](repeating: 0, count: 64)
        withUnsafeBytes(of: nr) { data.replaceSubrange(0..<4, with: $0) }
        withUnsafeBytes(of: arch) { data.replaceSubrange(4..<8, with: $0) }
        func word(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        }
        var a: UInt32 = 0, x: UInt32 = 0, mem = [UInt32](repeating: 0, count: 16)
        var pc = 0
        while pc * 8 + 8 <= filter.count {
            let base = pc * 8
            let code = UInt16(filter[base]) | UInt16(filter[base + 1]) << 8
            let jt = Int(filter[base + 2]), jf = Int(filter[base + 3])
            let k = word(filter[(base + 4)..<(base + 8)])
            pc += 1
            func branch(_ taken: Bool) { pc += taken ? jt : jf }
            switch code {
            case 0x20: guard Int(k) + 4 <= data.count else { return nil }; a = word(data[Int(k)..<(Int(k) + 4)])
            case 0x00: a = k
            case 0x01: x = k
            case 0x60: a = mem[Int(k) & 15]
            case 0x61: x = mem[Int(k) & 15]
            case 0x02: mem[Int(k) & 15] = a
            case 0x03: mem[Int(k) & 15] = x
            case 0x54: a &= k
            case 0x07: x = a
            case 0x87: a = x
            case 0x05: pc += Int(k)
            case 0x15: branch(a == k)
            case 0x25: branch(a > k)
            case 0x35: branch(a >= k)
            case 0x45: branch(a & k != 0)
            case 0x1d: branch(a == x)
            case 0x2d: branch(a > x)
            case 0x3d: branch(a >= x)
            case 0x4d: branch(a & x != 0)
            case 0x06: return k
            case 0x16: return a
            default: return nil
            }
        }
        return nil
    }
}
