import OCISpec

/// state.json in the current format read without JSONDecoder: every member is a string, an
/// integer or a boolean (FlatJSONObject). Whatever is not exactly what `stateJSON()` writes
/// (an older format, a damaged file) gives nil, and StateStore decodes the file as before:
/// that path accepts the same files, and its errors say what is wrong.
enum FlatState {
    struct Unreadable: Error {}
    typealias Members = [String: FlatJSONObject.Member]
    typealias Keys = ContainerRecord.CodingKeys

    static func record(_ bytes: [UInt8]) -> ContainerRecord? {
        guard let m = FlatJSONObject.parse(bytes), m[Keys.stateFormat.stringValue] == .number(String(ContainerRecord.currentFormat))
        else { return nil }
        do {
            guard let pid = Int32(try number(m, .pid)), let startTime = UInt64(try number(m, .startTime)) else { return nil }
            var record = ContainerRecord(
                ociVersion: try string(m, .ociVersion), id: try string(m, .id), pid: pid, startTime: startTime,
                bundle: try string(m, .bundle), rootfs: try string(m, .rootfs), created: try string(m, .created),
                owner: try string(m, .owner), annotations: nil, cgroup: try StoredCgroup.read(m),
                config: StoredConfig(expectedDigest: try optionalString(m, .configDigest)))
            record.notifySocket = try optionalString(m, .notifySocket)
            return record
        } catch {
            return nil
        }
    }

    static func string(_ m: Members, _ key: Keys) throws -> String {
        guard case .string(let text)? = m[key.stringValue] else { throw Unreadable() }
        return text
    }

    static func optionalString(_ m: Members, _ key: Keys) throws -> String? {
        guard let member = m[key.stringValue] else { return nil }
        guard case .string(let text) = member else { throw Unreadable() }
        return text
    }

    /// A number's text, for an exact conversion (JSONDecoder reads "7.0" as 7 too; we never write that).
    static func number(_ m: Members, _ key: Keys) throws -> String {
        guard case .number(let text)? = m[key.stringValue] else { throw Unreadable() }
        return text
    }
}
