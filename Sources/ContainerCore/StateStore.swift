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
    static func checkID(_ id: String) throws {
        do { try ContainerID.validate(id) } catch { throw RuntimeError(String(describing: error)) }
    }

    private func lockDirectory(_ id: String) throws -> Lock {
        try Self.checkID(id)
        let fd = open(directory(id), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw RuntimeError("container \"\(id)\" does not exist") }
            throw RuntimeError.errno("opening \(directory(id))")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { let e = errno; close(fd); throw RuntimeError.errno("locking \(directory(id))", e) }
        }
        // A `delete` that held the lock before us may have removed the directory.
        var st = stat()
        if fstat(fd, &st) != 0 || st.st_nlink == 0 {
            close(fd)
            throw RuntimeError("container \"\(id)\" does not exist")
        }
        return Lock(fd: fd)
    }

    /// Make the directory of a new container and lock it. Fails if the id is taken.
    public func createDirectory(_ id: String) throws -> Lock {
        try Self.checkID(id)
        try ensureRoot()
        if mkdir(directory(id), 0o711) != 0 {
            if errno == EEXIST { throw RuntimeError("container \"\(id)\" already exists") }
            throw RuntimeError.errno("creating \(directory(id))")
        }
        return try lockDirectory(id)
    }

    public func lock(_ id: String) throws -> Lock { try lockDirectory(id) }

    func configPath(_ id: String) -> String { directory(id) + "/config.json" }

    /// state.json, and config.json when it changed (written first: state.json names a
    /// container only once its config is there).
    public func save(_ record: ContainerRecord) throws {
        if record.config.unsaved {
            try FileIO.writeAtomically(configPath(record.id), try record.config.bytesToSave())
            record.config.markSaved()
            record.config.attach(path: configPath(record.id))
        }
        let data = try JSONEncoder().encode(record)
        try FileIO.writeAtomically(statePath(record.id), Array(data))
    }

    public func load(_ id: String) throws -> ContainerRecord {
        try Self.checkID(id)
        guard let bytes = FileIO.readRegular(statePath(id)) else {
            if FileIO.isDirectory(directory(id)) { throw RuntimeError("container \"\(id)\" was never fully created (delete --force removes it)") }
            throw RuntimeError("container \"\(id)\" does not exist")
        }
        do {
            let record = try JSONDecoder().decode(ContainerRecord.self, from: Data(bytes))
            record.config.attach(path: configPath(id))
            guard record.id == id else { throw RuntimeError("\(statePath(id)): records container \"\(record.id)\", not \"\(id)\"") }
            return record
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError("\(statePath(id)): unreadable state: \(error)")
        }
    }

    public func remove(_ id: String) {
        FileIO.removeTree(directory(id))
    }

    public func ids() -> [String] {
        FileIO.listDirectory(root).filter { (try? Self.checkID($0)) != nil && FileIO.isDirectory(directory($0)) }
    }
}
