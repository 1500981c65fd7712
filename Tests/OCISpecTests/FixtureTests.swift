import Foundation
import Testing
@testable import OCISpec

/// One test case per file in specs/: adding a fixture adds a test.
@Suite struct FixtureTests {
    @Test(arguments: Fixtures.names(in: "valid"))
    func validFixtureDecodesAndValidatesClean(name: String) throws {
        let bundle = try TempBundle(fixture: "valid/\(name).json")
        let spec = try SpecLoader.load(bundle: bundle.path)
        let issues = SpecValidator.validate(spec, bundle: bundle.path)
        #expect(issues.map(\.description) == [])
    }

    @Test(arguments: Fixtures.names(in: "invalid"))
    func invalidFixtureReportsExpectedMessage(name: String) throws {
        let bundle = try TempBundle(fixture: "invalid/\(name).json")
        var expected = try Fixtures.text("invalid/\(name).expected")
        while expected.hasSuffix("\n") { expected.removeLast() }
        expected = expected.replacingOccurrences(of: "$BUNDLE", with: bundle.path)
        #expect(firstProblem(bundle: bundle.path) == expected)
    }

    /// Each invalid fixture isolates one rule: decode-* fail to decode, the others
    /// decode and produce exactly one validation issue.
    @Test(arguments: Fixtures.names(in: "invalid"))
    func invalidFixtureBreaksExactlyOneRule(name: String) throws {
        let data = try Fixtures.data("invalid/\(name).json")
        let bundle = try TempBundle(config: data)
        if name.hasPrefix("decode-") {
            #expect(throws: SpecError.self) { try SpecLoader.decode(data) }
        } else {
            let spec = try SpecLoader.decode(data)
            #expect(SpecValidator.validate(spec, bundle: bundle.path).count == 1)
        }
    }

    @Test func everyInvalidFixtureHasAnExpectedMessage() throws {
        let names = Fixtures.names(in: "invalid")
        #expect(names.count >= 80)
        for name in names {
            let expected = try Fixtures.text("invalid/\(name).expected")
            #expect(expected.hasPrefix("config.json: "), "\(name).expected")
            #expect(expected.filter { $0 == "\n" }.count == 1, "\(name).expected must be one line")
        }
    }
}
