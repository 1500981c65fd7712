import Foundation
@testable import OCISpec

/// Foundation (imported by the tests, not by OCISpec) has its own `Process`.
typealias Process = OCISpec.Process

/// The fixture tree at <package>/specs, found relative to this file.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("specs")

    /// Fixture base names (without ".json") in specs/<directory>, sorted.
    static func names(in directory: String) -> [String] {
        let url = root.appendingPathComponent(directory)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relativePath))
    }

    static func text(_ relativePath: String) throws -> String {
        String(decoding: try data(relativePath), as: UTF8.self)
    }
}

/// A throwaway bundle directory: config.json plus an empty rootfs/.
final class TempBundle {
    let path: String

    init(config: Data?, makeRootfs: Bool = true) throws {
        var template = Array((NSTemporaryDirectory() + "/ocispec-test.XXXXXX").utf8CString)
        guard let dir = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = URL(fileURLWithPath: String(cString: dir)).standardizedFileURL.path
        if let config {
            try config.write(to: URL(fileURLWithPath: path + "/config.json"))
        }
        if makeRootfs {
            try FileManager.default.createDirectory(atPath: path + "/rootfs", withIntermediateDirectories: false)
        }
    }

    convenience init(fixture: String) throws {
        try self.init(config: try Fixtures.data(fixture))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Decode then validate, as `runtime create` does; the first problem as it would print.
func firstProblem(bundle: String) -> String? {
    do {
        let spec = try SpecLoader.load(bundle: bundle)
        return SpecValidator.validate(spec, bundle: bundle).first?.description
    } catch {
        return error.description
    }
}
