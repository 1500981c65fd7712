/// What state.json records about config.json: enough to tell a truncated, garbled or swapped
/// file from the one written (this guards against damage, not against an attacker who can
/// write the state directory, who could rewrite state.json as well).
enum ConfigDigest {
    static let prefix = "fnv1a64x4:"
    /// Written by runtimes before the lanes; still verified, never written.
    static let bytewisePrefix = "fnv1a64:"

    private static let basis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Four FNV-1a lanes over 8-byte little-endian words (word i into lane i % 4), the tail
    /// bytewise into lane 0, the lanes folded and mixed, and the length. The byte-at-a-time
    /// FNV cost ~1 ms per MB of config on every command that loads a container; independent
    /// lanes let the multiplications overlap. A changed word changes its lane's state (xor
    /// and an odd multiplier are both one-to-one), so any one-word change is caught.
    static func digest(_ bytes: [UInt8]) -> String {
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (basis, basis ^ 1, basis ^ 2, basis ^ 3)
        bytes.withUnsafeBytes { raw in
            let words = raw.count / 8
            var i = 0
            while i + 4 <= words {
                lanes.0 = (lanes.0 ^ word(raw, i)) &* prime
                lanes.1 = (lanes.1 ^ word(raw, i + 1)) &* prime
                lanes.2 = (lanes.2 ^ word(raw, i + 2)) &* prime
                lanes.3 = (lanes.3 ^ word(raw, i + 3)) &* prime
                i += 4
            }
            while i < words {
                lanes.0 = (lanes.0 ^ word(raw, i)) &* prime
                i += 1
            }
            for byte in raw[(words * 8)...] { lanes.0 = (lanes.0 ^ UInt64(byte)) &* prime }
        }
        var hash = basis
        for lane in [lanes.0, lanes.1, lanes.2, lanes.3] { hash = (hash ^ mix(lane)) &* prime }
        return prefix + hex16(mix(hash)) + ":\(bytes.count)"
    }

    /// The bytewise FNV-1a of earlier runtimes, for digests they wrote.
    static func bytewise(_ bytes: [UInt8]) -> String {
        var hash = basis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* prime
        }
        return bytewisePrefix + hex16(hash) + ":\(bytes.count)"
    }

    /// `bytes` digested the way `expected` was (new or bytewise), to compare with it.
    static func digest(_ bytes: [UInt8], like expected: String) -> String {
        expected.hasPrefix(bytewisePrefix) ? bytewise(bytes) : digest(bytes)
    }

    private static func word(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
    }

    /// murmur3's finaliser: every input bit reaches every output bit.
    private static func mix(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    private static func hex16(_ value: UInt64) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
