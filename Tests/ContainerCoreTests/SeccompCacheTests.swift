import Glibc
import OCISpec
import Testing
@testable import ContainerCore

/// A cached filter is used only for exactly the profile (and libseccomp) it was compiled from.
@Suite struct SeccompCacheTests {
    static let profile = LinuxSeccomp(
        defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"],
        flags: ["SECCOMP_FILTER_FLAG_LOG"],
        syscalls: [LinuxSyscall(names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1)])

    /// Always computable here (the profile encodes, libseccomp reports its version).
    static func key(_ profile: LinuxSeccomp) -> [UInt8] { SeccompCache.key(profile) ?? [] }

    @Test func keyNamesTheRuntimeAndCompilerVersions() {
        let text = String(decoding: Self.key(Self.profile), as: UTF8.self)
        #expect(text.hasPrefix("runtime \(RuntimeVersion.version)\ncompiler \(SeccompCompiler.formatVersion)\nlibseccomp "))
        #expect(text.hasSuffix("\nprofile " + String(decoding: SeccompKey(Self.profile).bytes, as: UTF8.self)))
    }

    @Test func secondUseReadsTheSameFilterFromTheCache() throws {
        let t = try TempDir()
        let cache = SeccompCache(directory: t.path + "/cache/seccomp")
        let first = try cache.compiled(Self.profile)
        let entries = FileIO.listDirectory(cache.directory)
        #expect(entries.count == 1)
        // Make the compiler unreachable in spirit: the entry must now be what is returned.
        let second = try cache.compiled(Self.profile)
        #expect(second.filter == first.filter)
        #expect(second.flags == 2)
        #expect(first.filter == (try SeccompCompiler.compile(Self.profile)).filter)
    }

    @Test func anEntryForAnotherProfileUnderTheSameNameIsIgnored() throws {
        let t = try TempDir()
        let cache = SeccompCache(directory: t.path + "/cache/seccomp")
        var other = Self.profile
        other.syscalls?[0].errnoRet = 13
        let expected = try SeccompCompiler.compile(Self.profile).filter
        // Plant the other profile's filter under this profile's file name (a hash collision).
        let otherFilter = try SeccompCompiler.compile(other).filter
        let key = Self.key(other)
        let length = (0..<8).map { UInt8(truncatingIfNeeded: key.count >> (8 * $0)) }
        #expect(mkdir(t.path + "/cache", 0o700) == 0 && mkdir(cache.directory, 0o700) == 0)
        let planted = cache.directory + "/" + SeccompCache.hash(Self.key(Self.profile)) + ".bpf"
        try FileIO.writeAtomically(planted, length + key + otherFilter)
        #expect(try cache.compiled(Self.profile).filter == expected)
        #expect(otherFilter != expected)
    }

    @Test func damagedEntriesAreNotUsed() {
        let key = Self.key(Self.profile)
        #expect(SeccompCache.filter(in: [1, 2, 3], key: key) == nil)
        #expect(SeccompCache.filter(in: [UInt8](repeating: 0, count: 8) + [1, 2, 3], key: key) == nil)
        let length = (0..<8).map { UInt8(truncatingIfNeeded: key.count >> (8 * $0)) }
        #expect(SeccompCache.filter(in: length + key + [1, 2, 3], key: key) == nil)  // not whole instructions
        #expect(SeccompCache.filter(in: length + key + [UInt8](repeating: 7, count: 16), key: key)?.count == 16)
    }

    @Test func aCacheOthersCanWriteIsNotTrusted() throws {
        let t = try TempDir()
        let cache = SeccompCache(directory: t.path + "/cache/seccomp")
        let expected = try SeccompCompiler.compile(Self.profile).filter
        _ = try cache.compiled(Self.profile)  // creates the directory and the entry
        // Someone else could now have replaced the entry: plant a wrong filter, open the dir up.
        let entry = cache.directory + "/" + SeccompCache.hash(Self.key(Self.profile)) + ".bpf"
        let key = Self.key(Self.profile)
        let length = (0..<8).map { UInt8(truncatingIfNeeded: key.count >> (8 * $0)) }
        try FileIO.writeAtomically(entry, length + key + [UInt8](repeating: 6, count: 8))
        #expect(chmod(cache.directory, 0o777) == 0)
        #expect(try cache.compiled(Self.profile).filter == expected)
        // The planted entry was not used; the compile replaced it with the real filter.
        #expect(SeccompCache.filter(in: FileIO.read(entry) ?? [], key: key) == expected)
    }
}
