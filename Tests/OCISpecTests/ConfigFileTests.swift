import Foundation
import Testing
@testable import OCISpec

/// config.json must be a regular file of sane size: anything else is one clear line,
/// without blocking and without reading it (issue 10: `config.json → /dev/zero` was a
/// 4 GB allocation and a crash; a FIFO blocked forever).
@Suite struct ConfigFileTests {
    /// A file named on the command line (`exec --process`, `update --resources`) may be a
    /// pipe, as runc reads it (`-p <(…)`); a directory is still one clear line, and the
    /// same size bound holds (/dev/zero).
    @Test func callersFileMayBeAPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = #"{"args": ["/bin/true"]}"#
        #expect(text.withCString { write(fds[1], $0, strlen($0)) } == text.utf8.count)
        close(fds[1])
        defer { close(fds[0]) }
        let data = try SpecLoader.readCallersFile("/proc/self/fd/\(fds[0])", name: "process")
        #expect(String(decoding: data, as: UTF8.self) == text)
        #expect(throws: SpecError.self) { try SpecLoader.readCallersFile("/tmp", name: "process") }
        #expect(throws: SpecError.self) { try SpecLoader.readCallersFile("/dev/zero", name: "process") }
    }

    @Test func characterDeviceIsRefusedUnread() throws {
        let bundle = try TempBundle(config: nil)
        #expect(symlink("/dev/zero", bundle.path + "/config.json") == 0)
        #expect(
            firstProblem(bundle: bundle.path)
                == "config.json: cannot read \(bundle.path)/config.json: not a regular file")
    }

    @Test func fifoIsRefusedWithoutWaitingForAWriter() throws {
        let bundle = try TempBundle(config: nil)
        #expect(mkfifo(bundle.path + "/config.json", 0o600) == 0)
        #expect(
            firstProblem(bundle: bundle.path)
                == "config.json: cannot read \(bundle.path)/config.json: not a regular file")
    }

    @Test func directoryIsRefused() throws {
        let bundle = try TempBundle(config: nil)
        #expect(mkdir(bundle.path + "/config.json", 0o700) == 0)
        #expect(
            firstProblem(bundle: bundle.path)
                == "config.json: cannot read \(bundle.path)/config.json: not a regular file")
    }

    @Test func fileLargerThanTheBoundIsRefused() throws {
        let bundle = try TempBundle(config: nil)
        let path = bundle.path + "/config.json"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("{}".utf8)))
        #expect(truncate(path, off_t(SpecLoader.maxFileSize + 1)) == 0)  // sparse: no disk used
        #expect(firstProblem(bundle: bundle.path) == "config.json: cannot read \(path): larger than 16 MiB")
    }

    @Test func fileAtTheBoundIsRead() throws {
        var bytes = [UInt8](repeating: UInt8(ascii: " "), count: SpecLoader.maxFileSize)
        bytes.replaceSubrange(0..<2, with: Array("{}".utf8))
        let bundle = try TempBundle(config: Data(bytes))
        #expect(try SpecLoader.readFile(bundle.path + "/config.json", name: "config.json").count == SpecLoader.maxFileSize)
    }

    /// A NUL can only come as the escape \u0000; an escaped backslash before "u0000" is text.
    @Test func nulIsFoundWhereverItIsAndOnlyThere() throws {
        #expect(try SpecLoader.decode(Data(#"{"hostname":"a\\u0000"}"#.utf8)).hostname == #"a\u0000"#)
        #expect(throws: SpecError(file: "config.json", path: "annotations.k", message: "must not contain a NUL byte")) {
            try SpecLoader.decode(Data(#"{"annotations":{"k":"v\u0000"}}"#.utf8))
        }
        #expect(throws: SpecError(file: "p.json", path: "args[1]", message: "must not contain a NUL byte")) {
            try SpecLoader.decode(Process.self, from: Data(#"{"args":["sh","\u0000"]}"#.utf8), file: "p.json")
        }
    }

    /// A control character in a value cannot split the message into two lines.
    @Test func messagesStayOneLine() {
        let issue = ValidationIssue(path: "process.env[0]", message: "bad value \(Quoting.quoted("a\nb\u{0}c\"d"))")
        #expect(issue.description == #"config.json: process.env[0]: bad value "a\nb\x00c\"d""#)
        let error = SpecError(file: "config.json", path: "x", message: "line1\nline2\r\u{7f}")
        #expect(error.description == #"config.json: x: line1\nline2\r\x7f"#)
        #expect(Quoting.oneLine("plain text") == "plain text")
    }
}
