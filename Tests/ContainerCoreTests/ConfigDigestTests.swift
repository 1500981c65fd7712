import Testing
import TestSupport
@testable import ContainerCore

/// config.json's digest in state.json: damage is caught, and digests written by earlier
/// runtimes (bytewise FNV-1a) still verify containers that outlive an upgrade.
@Suite struct ConfigDigestTests {
    static func config(_ size: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<size).map { _ in UInt8.random(in: 0x20...0x7e, using: &rng) }
    }

    @Test func newDigestsCarryTheirPrefixAndLength() {
        let bytes = Self.config(1000, seed: 1)
        let digest = ConfigDigest.digest(bytes)
        #expect(digest.hasPrefix("fnv1a64x4:"))
        #expect(digest.hasSuffix(":1000"))
        #expect(digest == ConfigDigest.digest(bytes))
        #expect(StoredConfig.digest(bytes) == digest)
    }

    /// The bytewise digest is the one earlier runtimes wrote (FNV-1a 64 of "a" is public).
    @Test func bytewiseDigestIsTheOldOne() {
        #expect(ConfigDigest.bytewise(Array("a".utf8)) == "fnv1a64:af63dc4c8601ec8c:1")
        #expect(ConfigDigest.bytewise([]) == "fnv1a64:cbf29ce484222325:0")
    }

    /// Every single-byte change and every truncation of configs around the lane and word
    /// boundaries gives another digest.
    @Test(arguments: [0, 1, 7, 8, 9, 31, 32, 33, 100, 4099])
    func oneByteChangesAndTruncationsAreCaught(size: Int) {
        let bytes = Self.config(size, seed: UInt64(size))
        let digest = ConfigDigest.digest(bytes)
        for i in 0..<size {
            var changed = bytes
            changed[i] ^= 0x01
            #expect(ConfigDigest.digest(changed) != digest, "byte \(i)")
            changed[i] = bytes[i] ^ 0x80
            #expect(ConfigDigest.digest(changed) != digest, "byte \(i)")
        }
        for n in 0..<size {
            #expect(ConfigDigest.digest(Array(bytes.prefix(n))) != digest, "prefix \(n)")
        }
        // Two words swapped within a lane's stream, and lanes' words swapped.
        if size >= 64 {
            var swapped = bytes
            for k in 0..<8 { swapped.swapAt(k, 32 + k) }
            #expect(ConfigDigest.digest(swapped) != digest)
            swapped = bytes
            for k in 0..<8 { swapped.swapAt(k, 8 + k) }
            #expect(ConfigDigest.digest(swapped) != digest)
        }
    }

    @Test func storedDigestsOfBothKindsVerify() throws {
        let bytes = Self.config(5000, seed: 7)
        for expected in [ConfigDigest.digest(bytes), ConfigDigest.bytewise(bytes)] {
            try StoredConfig(expectedDigest: expected).attach(bytes)
            var damaged = bytes
            damaged[4321] ^= 0x04
            #expect(throws: RuntimeError.self) { try StoredConfig(expectedDigest: expected).attach(damaged) }
            #expect(throws: RuntimeError.self) { try StoredConfig(expectedDigest: expected).attach(Array(bytes.dropLast())) }
        }
        // An unknown kind of digest matches nothing: the state is damaged.
        #expect(throws: RuntimeError.self) { try StoredConfig(expectedDigest: "sha0:00:5000").attach(bytes) }
    }
}
