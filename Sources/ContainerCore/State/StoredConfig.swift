import Glibc
import OCISpec
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The container's config: the bytes as read at create (or re-encoded after `update`),
/// decoded on first use. Loaded records hold the bytes `StateStore.load` checked against
/// the digest in state.json.
final class StoredConfig: @unchecked Sendable {
    private(set) var bytes: [UInt8]?
    private var decoded: Spec?
    /// What state.json says config.json must hash to (loaded records only).
    let expectedDigest: String?
    /// Bytes the state directory does not have yet (new container, or changed by update).
    private(set) var unsaved = false
    /// `digest(bytes)`, kept: `create` saves the record twice, and a 1 MB config takes ~1 ms to hash.
    private var knownDigest: String?

    init(expectedDigest: String? = nil) { self.expectedDigest = expectedDigest }

    init(bytes: [UInt8], spec: Spec) {
        self.bytes = bytes
        self.decoded = spec
        self.expectedDigest = nil
        self.unsaved = true
    }

    /// The bytes read from config.json, if they are the ones state.json names. A state.json
    /// written before digests were kept (a container created by an older runtime, still
    /// running across an upgrade) has none: its config must at least decode, now.
    func attach(_ raw: [UInt8]) throws {
        guard let expectedDigest else {
            bytes = raw
            _ = try spec()
            return
        }
        let digest = ConfigDigest.digest(raw, like: expectedDigest)
        guard digest == expectedDigest else {
            throw RuntimeError("does not match the digest in state.json (\(digest), not \(expectedDigest))")
        }
        bytes = raw
        knownDigest = digest
    }

    func spec() throws -> Spec {
        if let decoded { return decoded }
        guard let bytes else { throw RuntimeError("config.json: the container's stored config was not loaded") }
        let spec: Spec
        do { spec = try SpecLoader.decode(Data(bytes), file: "config.json") } catch {
            throw RuntimeError("the container's stored \(error)")
        }
        decoded = spec
        return spec
    }

    /// Whether the config can have a "hooks" member: spelled out, or hidden behind a \u
    /// escape in a key (JSON allows "\u0068ooks"); a config with neither is not decoded.
    func mayHaveHooks() -> Bool {
        if decoded != nil { return true }
        guard let bytes else { return true }
        return Self.mayMention("hooks", in: bytes)
    }

    /// Whether `bytes` can hold a member named `name`: spelled out, or behind a \u escape.
    private static func mayMention(_ name: String, in bytes: [UInt8]) -> Bool {
        ByteSearch.contains(Array("\"\(name)\"".utf8), in: bytes) || ByteSearch.contains(Array("\\u".utf8), in: bytes)
    }

    /// The config's annotations, decoding only them (state.json no longer copies them: a
    /// 1 MB config's would be encoded twice per create and decoded by every command).
    func annotations() -> [String: String]? {
        if let decoded { return decoded.annotations }
        guard let bytes, Self.mayMention("annotations", in: bytes) else { return nil }
        struct Annotated: Decodable {
            var annotations: [String: String]?
            enum CodingKeys: CodingKey { case annotations }
            init(from decoder: any Decoder) throws {
                annotations = try decoder.container(keyedBy: CodingKeys.self).decodeStringMapIfPresent(forKey: .annotations)
            }
        }
        // `load` checked these bytes against the digest of the config `create` validated.
        return (try? JSONDecoder().decode(Annotated.self, from: Data(bytes)))?.annotations
    }

    func replace(_ spec: Spec) {
        decoded = spec
        bytes = nil
        knownDigest = nil
        unsaved = true
    }

    /// The bytes to write, encoding only after a change.
    func bytesToSave() throws -> [UInt8] {
        if let bytes { return bytes }
        let encoded = Array(try JSONEncoder().encode(try spec()))
        bytes = encoded
        return encoded
    }

    func markSaved() { unsaved = false }

    /// The digest state.json records for the bytes to save.
    func digestToSave() throws -> String {
        if let knownDigest { return knownDigest }
        let digest = Self.digest(try bytesToSave())
        knownDigest = digest
        return digest
    }

    /// See ConfigDigest (state.json of older runtimes name the bytewise FNV-1a, still checked).
    static func digest(_ bytes: [UInt8]) -> String { ConfigDigest.digest(bytes) }
}
