#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A config file that cannot be read or decoded. Prints as one line naming the file
/// and, when known, the JSON path: `config.json: process.args[0]: expected string, found number`.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// The JSON path, nil for problems with the file as a whole.
    public var path: String?
    public var message: String

    public init(file: String, path: String? = nil, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String {
        guard let path, !path.isEmpty else { return Quoting.oneLine("\(file): \(message)") }
        return Quoting.oneLine("\(file): \(path): \(message)")
    }
}

/// Step one of decode → validate → plan → apply: bytes to model, no semantic checks.
public enum SpecLoader {
    /// Reads and decodes `<bundle>/config.json`.
    public static func load(bundle: String) throws(SpecError) -> Spec {
        let path = absolutePath(bundle).joinedPath("config.json")
        return try decode(readFile(path, name: "config.json"))
    }

    public static func decode(_ data: Data, file: String = "config.json") throws(SpecError) -> Spec {
        try decode(Spec.self, from: data, file: file)
    }

    /// Decodes any spec object (a `Process` for `exec --process`, a `State`, …) with the
    /// same one-line errors. `file` is the name the messages start with.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws(SpecError) -> T {
        do {
            let decoded = try JSONDecoder().decode(type, from: data)
            try NULBytes.check(data, file: file)
            return decoded
        } catch let error as SpecError {
            throw error
        } catch let error as DecodingError {
            throw explain(error, type: type, data: data, file: file)
        } catch {
            throw SpecError(file: file, message: "\(error)")
        }
    }

    /// The largest config (or process, resources) file read: runc has no bound, but the
    /// file is read whole and decoded in memory, so `config.json → /dev/zero` or a huge
    /// file must not exhaust memory. Real configs are kilobytes (podman's seccomp profile,
    /// the largest part, is ~30 KiB; Kubernetes caps an object at 1.5 MiB): 16 MiB leaves
    /// ten times that while bounding what one command can allocate.
    public static let maxFileSize = 16 << 20

    /// The whole regular file, or one line naming the file and what is wrong: cannot be
    /// opened, not a regular file (a FIFO, device or directory), or larger than
    /// `maxFileSize`. Never blocks: a FIFO is opened non-blocking and refused unread.
    public static func readFile(_ path: String, name: String) throws(SpecError) -> Data {
        Data(try readFileBytes(path, name: name))
    }

    /// `readFile` as bytes, for a caller that keeps them (no copy into Data and back).
    public static func readFileBytes(_ path: String, name: String) throws(SpecError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw SpecError(file: name, message: "cannot read \(path): \(errnoText())") }
        defer { close(fd) }
        do { return try FileBytes.readRegular(fd, limit: maxFileSize) } catch {
            throw failure(error, path: path, name: name)
        }
    }

    /// A file the caller names on the command line (`exec --process`, `update --resources`):
    /// as runc, any kind that can be read, a pipe (`-p <(…)`) or FIFO included, up to the same
    /// bound. Unlike config.json (which comes with the bundle), waiting for a FIFO's writer is
    /// what the caller asked for.
    public static func readCallersFile(_ path: String, name: String) throws(SpecError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw SpecError(file: name, message: "cannot read \(path): \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw SpecError(file: name, message: "cannot read \(path): a directory")
        }
        return try readAll(fd, path: path, name: name)
    }

    /// Standard input (`update --resources -`), whatever kind of file it is, up to the
    /// same bound.
    public static func readStandardInput(name: String) throws(SpecError) -> Data {
        try readAll(0, path: "standard input", name: name)
    }

    private static func readAll(_ fd: Int32, path: String, name: String) throws(SpecError) -> Data {
        do { return Data(try FileBytes.readAll(fd, limit: maxFileSize)) } catch { throw failure(error, path: path, name: name) }
    }

    private static func failure(_ error: FileBytes.Failure, path: String, name: String) -> SpecError {
        switch error {
        case .tooLarge: return SpecError(file: name, message: "cannot read \(path): larger than \(maxFileSize >> 20) MiB")
        case .notRegular: return SpecError(file: name, message: "cannot read \(path): not a regular file")
        case .errno(let err): return SpecError(file: name, message: "cannot read \(path): \(errnoText(err))")
        }
    }

    /// `path` made absolute against the current directory (not resolving symlinks).
    public static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let cwd = getcwd(nil, 0) else { return path }
        defer { free(cwd) }
        let base = String(cString: cwd)
        return path.isEmpty || path == "." ? base : base.joinedPath(path)
    }

    static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    static func explain<T: Decodable>(_ error: DecodingError, type: T.Type, data: Data, file: String) -> SpecError {
        guard case .dataCorrupted(let context) = error, context.codingPath.isEmpty else {
            return describe(error, file: file)
        }
        // JSONDecoder (Linux) says only "not valid JSON": find the syntax error or the
        // number that does not fit, with its position or path.
        let value: JSONValue
        do {
            value = try JSONParser.parse(data)
        } catch {
            return SpecError(file: file, message: "invalid JSON: \(error)")
        }
        do {
            _ = try DiagnosticDecoder.decode(type, from: value, at: [])
        } catch let error as DecodingError {
            return describe(error, file: file)
        } catch {}
        return SpecError(file: file, message: "invalid JSON: \(context.debugDescription)")
    }

    static func describe(_ error: DecodingError, file: String) -> SpecError {
        switch error {
        case .typeMismatch(let type, let context):
            return SpecError(
                file: file, path: JSONPath(codingPath: context.codingPath).description,
                message: "expected \(noun(for: type)), found \(foundNoun(in: context.debugDescription))")
        case .valueNotFound(let type, let context):
            return SpecError(
                file: file, path: JSONPath(codingPath: context.codingPath).description,
                message: "expected \(noun(for: type)), found null")
        case .keyNotFound(let key, let context):
            return SpecError(
                file: file, path: JSONPath(codingPath: context.codingPath + [key]).description,
                message: "required field missing")
        case .dataCorrupted(let context):
            var message = context.debugDescription
            if let first = message.first, first.isUppercase, message.dropFirst().first?.isLowercase == true {
                message = first.lowercased() + message.dropFirst()
            }
            if message.hasSuffix(".") { message.removeLast() }
            return SpecError(file: file, path: JSONPath(codingPath: context.codingPath).description, message: message)
        @unknown default:
            return SpecError(file: file, message: "\(error)")
        }
    }

    /// The JSON noun for a Swift type in "expected <noun>".
    static func noun(for type: Any.Type) -> String {
        if type == String.self || type is any RawRepresentable.Type { return "string" }
        if type == Bool.self { return "boolean" }
        if type is any FixedWidthInteger.Type { return "integer" }
        if type == Double.self || type == Float.self { return "number" }
        let name = String(describing: type)
        if name.hasPrefix("Array") { return "array" }
        return "object"
    }

    /// "Expected to decode String but found a dictionary instead." → "object".
    static func foundNoun(in description: String) -> String {
        guard let start = description.firstRange(of: "but found "),
            let end = description[start.upperBound...].firstRange(of: " instead")
        else { return description }
        var found = String(description[start.upperBound..<end.lowerBound])
        for article in ["a ", "an "] where found.hasPrefix(article) {
            found.removeFirst(article.count)
        }
        switch found {
        case "dictionary": return "object"
        case "bool": return "boolean"
        default: return found
        }
    }
}

extension String {
    func joinedPath(_ component: String) -> String {
        hasSuffix("/") ? self + component : self + "/" + component
    }
}
