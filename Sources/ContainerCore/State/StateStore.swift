import Cgroups
import Glibc
import OCISpec
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `<root>/<id>/` holds state.json and exec.fifo. A flock on the directory serialises commands
/// on one id; commands on different ids never wait for each other.
public struct StateStore: Sendable {
    public let root: String
    public static let defaultRoot = "/run/runtime"
    public static let fifoName = "exec.fifo"

    public init(root: String) { self.root = FileIO.absolute(root) }

    public func directory(_ id: String) -> String { root + "/" + id }
    func statePath(_ id: String) -> String { directory(id) + "/state.json" }
    public func fifoPath(_ id: String) -> String { directory(id) + "/" + Self.fifoName }

    /// A held lock on one container's directory; released on close.
    public final class Lock {
        let fd: Int32
        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }
    }

    private func ensureRoot() throws {
        if mkdir(root, 0o711) != 0 && errno != EEXIST {
            // Create missing parents once (e.g. /run/user/1000/runtime).
            var path = ""
            for part in root.split(separator: "/") {
                path += "/" + part
                if mkdir(path, 0o711) != 0 && errno != EEXIST { throw RuntimeError.errno("creating state directory \(path)") }
            }
        }
    }

    /// Every command checks the id before it touches a path: "../x" must never name a
    /// directory outside the root (runc validates in libcontainer.Load too).
    /// An id that starts with "-" would be read as a flag by the next tool that passes it on
    /// (conmon, scripts, our own CLI without `--`): refused too.
    static func checkID(_ id: String) throws {
        do { try ContainerID.validate(id) } catch { throw RuntimeError(String(describing: error)) }
        if id.hasPrefix("-") { throw RuntimeError("container id \"\(id)\": must not start with \"-\" (it would read as a flag)") }
    }

    private func lockDirectory(_ id: String) throws -> Lock {
        try Self.checkID(id)
        let fd = open(directory(id), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw RuntimeError.notFound(id) }
            throw RuntimeError.errno("opening \(directory(id))")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { let e = errno; close(fd); throw RuntimeError.errno("locking \(directory(id))", e) }
        }
        // A `delete` that held the lock before us may have removed the directory.
        var st = stat()
        if fstat(fd, &st) != 0 || st.st_nlink == 0 {
            close(fd)
            throw RuntimeError.notFound(id)
        }
        return Lock(fd: fd)
    }

    /// Make the directory of a new container and lock it. Fails if the id is taken.
    public func createDirectory(_ id: String) throws -> Lock {
        try Self.checkID(id)
        try ensureRoot()
        if mkdir(directory(id), 0o711) != 0 {
            if errno == EEXIST { throw RuntimeError.alreadyExists(id) }
            throw RuntimeError.errno("creating \(directory(id))")
        }
        return try lockDirectory(id)
    }

    public func lock(_ id: String) throws -> Lock { try lockDirectory(id) }

    /// Whether another command holds the id's lock now (a `create` that has not written its
    /// state yet, for `list`).
    func isLockedByOther(_ id: String) -> Bool {
        let fd = open(directory(id), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }

    func configPath(_ id: String) -> String { directory(id) + "/config.json" }
    /// state.json, and config.json when it changed (written first: state.json names a
    /// container only once its config is there, and carries the config's digest).
    public func save(_ record: ContainerRecord) throws {
        try save(record, encoded: try encode(record))
    }

    /// `save` with state.json encoded beforehand (`create` encodes while the init sets up).
    func save(_ record: ContainerRecord, encoded: [UInt8]) throws {
        if record.config.unsaved {
            try FileIO.writeAtomically(configPath(record.id), try record.config.bytesToSave())
            record.config.markSaved()
        }
        try FileIO.writeAtomically(statePath(record.id), encoded)
    }

    /// state.json's bytes. Slashes unescaped: a JSON string with any escape takes
    /// JSONDecoder's slow path, and every path has slashes.
    func encode(_ record: ContainerRecord) throws -> [UInt8] { try record.stateJSON() }

    /// The record, with its config checked against the digest state.json holds. Anything
    /// missing, unreadable or mismatched fails: no command works from a guess.
    public func load(_ id: String) throws -> ContainerRecord {
        try Self.checkID(id)
        var attempts = 0
        while true {
            attempts += 1
            guard let stateBytes = FileIO.readRegular(statePath(id)) else {
                if FileIO.isDirectory(directory(id)) {
                    throw RuntimeError(
                        "container \"\(id)\" has no state.json: it was never fully created or its state is damaged (delete --force removes it)"
                    )
                }
                throw RuntimeError.notFound(id)
            }
            let record: ContainerRecord
            if let flat = FlatState.record(stateBytes) {
                record = flat
            } else {
                do { record = try JSONDecoder().decode(ContainerRecord.self, from: Data(stateBytes)) } catch {
                    throw Self.damaged(statePath(id), "unreadable state: \(error)")
                }
            }
            guard record.id == id else { throw Self.damaged(statePath(id), "records container \"\(record.id)\", not \"\(id)\"") }
            guard let raw = FileIO.readRegular(configPath(id)) else { throw Self.damaged(configPath(id), "missing") }
            do {
                try record.config.attach(raw)
                return record
            } catch {
                // `update` replaces config.json, then state.json: a reader in between sees
                // the new config with the old digest. Only a state.json that stayed put is damage.
                if attempts < 3 && FileIO.readRegular(statePath(id)) != stateBytes { continue }
                throw Self.damaged(configPath(id), "\(error)")
            }
        }
    }

    static func damaged(_ path: String, _ what: String) -> RuntimeError {
        RuntimeError("\(path): \(what) (damaged state: delete --force removes the container)")
    }

    public func remove(_ id: String) {
        FileIO.removeTree(directory(id))
    }

    public func ids() -> [String] {
        FileIO.listDirectory(root).filter { (try? Self.checkID($0)) != nil && FileIO.isDirectory(directory($0)) }
    }
}
