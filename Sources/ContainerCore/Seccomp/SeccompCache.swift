import CSeccomp
import Glibc
import OCISpec

/// Compiled filters by profile: libseccomp needs ~18 ms here for the 400-odd rules podman
/// passes (3 architectures), on every create; the same profile compiles to the same BPF, so
/// it is compiled once per libseccomp version. Each entry holds its full key (runtime
/// version, compiler format version, libseccomp version, every field of the profile:
/// SeccompKey) and is used only when that key matches exactly: the file name is just a
/// hash, never trusted alone. When the key cannot be computed the profile is compiled and nothing is cached.
struct SeccompCache {
    let directory: String

    init(directory: String) { self.directory = directory }

    /// Outside the state root (which holds containers only): /var/cache/runtime/seccomp for
    /// root, $XDG_CACHE_HOME (or ~/.cache)/runtime/seccomp for an unprivileged user.
    static var standard: SeccompCache {
        if geteuid() == 0 { return SeccompCache(directory: "/var/cache/runtime/seccomp") }
        if let xdg = getenv("XDG_CACHE_HOME"), xdg.pointee == 47 /* "/" */ {
            return SeccompCache(directory: String(cString: xdg) + "/runtime/seccomp")
        }
        let home = getenv("HOME").map { String(cString: $0) } ?? "/tmp"
        return SeccompCache(directory: home + "/.cache/runtime/seccomp")
    }

    func compiled(_ profile: LinuxSeccomp) throws -> SeccompCompiler.Compiled {
        try SeccompCompiler.check(profile)
        guard let key = Self.key(profile) else { return try SeccompCompiler.compile(profile) }
        let path = directory + "/" + Self.hash(key) + ".bpf"
        if Self.isPrivate(directory), Self.isPrivate(path), let entry = FileIO.read(path),
            let filter = Self.filter(in: entry, key: key)
        {
            return SeccompCompiler.Compiled(
                filter: filter, flags: SeccompCompiler.flags(profile),
                usesNotify: SeccompCompiler.usesNotify(profile))
        }
        let compiled = try SeccompCompiler.compile(profile)
        store(key: key, filter: compiled.filter, at: path)
        return compiled
    }

    static func key(_ profile: LinuxSeccomp) -> [UInt8]? {
        guard let v = seccomp_version() else { return nil }
        let versions =
            "runtime \(RuntimeVersion.version)\ncompiler \(SeccompCompiler.formatVersion)\n"
            + "libseccomp \(v.pointee.major).\(v.pointee.minor).\(v.pointee.micro)\nprofile "
        return Array(versions.utf8) + SeccompKey(profile).bytes
    }

    /// A filter is only as trustworthy as whoever could write it: the directory and the entry
    /// must belong to us and be writable by nobody else, or the cache is not used.
    static func isPrivate(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && st.st_uid == geteuid() && st.st_mode & 0o022 == 0
            && (st.st_mode & S_IFMT == S_IFDIR || st.st_mode & S_IFMT == S_IFREG)
    }

    /// Entry layout: key length (8 bytes, little endian), key, BPF.
    static func filter(in entry: [UInt8], key: [UInt8]) -> [UInt8]? {
        guard entry.count >= 8 else { return nil }
        let n = entry[0..<8].enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        guard n == key.count, entry.count > 8 + n, entry[8..<(8 + n)].elementsEqual(key) else { return nil }
        let filter = Array(entry[(8 + n)...])
        return filter.count % 8 == 0 ? filter : nil
    }

    /// Best effort: a cache that cannot be written only costs the next create the compile.
    private func store(key: [UInt8], filter: [UInt8], at path: String) {
        var prefix = ""
        for part in directory.split(separator: "/") {
            prefix += "/" + part
            guard mkdir(prefix, 0o700) == 0 || errno == EEXIST else { return }
        }
        let length = (0..<8).map { UInt8(truncatingIfNeeded: key.count >> (8 * $0)) }
        try? FileIO.writeAtomically(path, length + key + filter, mode: 0o600)
    }

    /// FNV-1a, 64 bits: names the file; the stored key decides.
    static func hash(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
