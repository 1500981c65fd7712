import Foundation
import Testing
@testable import OCISpec

@Suite struct ValidatorTests {
    private func issues(_ spec: Spec) throws -> [String] {
        let bundle = try TempBundle(config: nil)
        return SpecValidator.validate(spec, bundle: bundle.path).map(\.description)
    }

    private func base(linux: Linux? = nil, hostname: String? = nil) -> Spec {
        Spec(process: Process(args: ["sh"], cwd: "/"), root: Root(path: "rootfs"), hostname: hostname, linux: linux)
    }

    @Test(arguments: ["1.0.0", "1.2.0", "1.0.2-dev", "1.0.0-rc.1", "1.0.0-rc1+build.7", "1.10.300", "1.0.0-0.3.7", "1.0.0-x-y.z"])
    func validVersions(version: String) {
        #expect(SemVer.major(of: version) == 1)
    }

    @Test(arguments: [
        "1", "1.0", "1.x", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", "1.0.0-rc..1", "1.0.0.0", "", " 1.0.0", "1.0.0-rc_1"
    ])
    func invalidVersions(version: String) {
        #expect(SemVer.major(of: version) == nil)
    }

    @Test func reportsEveryProblemInDocumentOrder() throws {
        var spec = base(linux: Linux(namespaces: [LinuxNamespace(type: "frob")]), hostname: "h")
        spec.ociVersion = "2.0.0"
        spec.process?.cwd = "rel"
        #expect(
            try issues(spec) == [
                #"config.json: ociVersion: unsupported version "2.0.0": major version must be 1"#,
                "config.json: process.cwd: must be an absolute path",
                "config.json: hostname: requires a uts namespace",
                #"config.json: linux.namespaces[0].type: unknown namespace type "frob""#
            ])
    }

    @Test func missingUserIsRootNotAnError() throws {
        #expect(try issues(base()) == [])
    }

    @Test func hostnameIsAllowedWhenJoiningAUTSNamespace() throws {
        let linux = Linux(namespaces: [LinuxNamespace(type: "uts", path: "/proc/self/ns/uts")])
        #expect(try issues(base(linux: linux, hostname: "h")) == [])
    }

    @Test func userNamespaceJoinedByPathNeedsNoMappings() throws {
        let linux = Linux(namespaces: [LinuxNamespace(type: "user", path: "/proc/self/ns/user")])
        #expect(try issues(base(linux: linux)) == [])
    }

    @Test func timeOffsetsNeedANewTimeNamespace() throws {
        let offsets = ["monotonic": LinuxTimeOffset(secs: 1)]
        let joined = Linux(namespaces: [LinuxNamespace(type: "time", path: "/proc/self/ns/time")], timeOffsets: offsets)
        #expect(try issues(base(linux: joined)) == ["config.json: linux.timeOffsets: requires a new time namespace"])
        let created = Linux(namespaces: [LinuxNamespace(type: "time")], timeOffsets: offsets)
        #expect(try issues(base(linux: created)) == [])
    }

    @Test func netSysctlIsAllowedInAJoinedNetworkNamespace() throws {
        let linux = Linux(
            sysctl: ["net.core.somaxconn": "1024"],
            namespaces: [LinuxNamespace(type: "network", path: "/proc/self/ns/net")])
        #expect(try issues(base(linux: linux)) == [])
    }

    @Test func allFiveCapabilitySetsAreChecked() throws {
        var spec = base()
        spec.process?.capabilities = LinuxCapabilities(
            bounding: ["CAP_A"], effective: ["CAP_B"], inheritable: ["CAP_C"], permitted: ["CAP_D"], ambient: ["CAP_E"])
        #expect(
            try issues(spec)
                == ["bounding", "effective", "inheritable", "permitted", "ambient"].enumerated().map {
                    #"config.json: process.capabilities.\#($1)[0]: unknown capability "CAP_\#(["A", "B", "C", "D", "E"][$0])""#
                })
    }

    @Test func everyKnownCapabilityIsAccepted() throws {
        var spec = base()
        let all = LinuxCapabilities.knownNames
        spec.process?.capabilities = LinuxCapabilities(bounding: all, effective: all, inheritable: all, permitted: all, ambient: all)
        #expect(try issues(spec) == [])
    }

    @Test func rootfsPropagationAcceptsRecursiveForms() throws {
        for propagation in Linux.knownPropagations {
            #expect(try issues(base(linux: Linux(rootfsPropagation: propagation))) == [])
        }
    }

    @Test func absoluteRootPathIsUsedAsIs() throws {
        let bundle = try TempBundle(config: nil)
        var spec = base()
        spec.root = Root(path: bundle.path + "/rootfs")
        #expect(SpecValidator.validate(spec, bundle: "/nonexistent").isEmpty)
    }

    @Test func execProcessIsValidatedOnItsOwn() {
        let problems = SpecValidator.validate(
            process: Process(args: [], cwd: "/", rlimits: [POSIXRlimit(type: "RLIMIT_X", hard: 1, soft: 1)]))
        #expect(
            problems.map(\.description) == [
                "process.json: args: must not be empty",
                #"process.json: rlimits[0].type: unknown rlimit "RLIMIT_X""#
            ])
    }

    @Test(arguments: ["0", "0-3", "0-3,7", "1,2,3", "10-10"])
    func validCPULists(list: String) {
        #expect(CPUList.isValid(list))
    }

    @Test(arguments: ["", "a", "3-1", "0-", "-1", "1,,2", "0-3-5"])
    func invalidCPULists(list: String) {
        #expect(!CPUList.isValid(list))
    }

    @Test func issueDescriptionFormat() {
        let issue = ValidationIssue(path: "linux.namespaces[3].type", message: #"unknown namespace type "frob""#)
        #expect(issue.description == #"config.json: linux.namespaces[3].type: unknown namespace type "frob""#)
    }
}

@Suite struct JSONPathTests {
    @Test func formatting() {
        let path = JSONPath("linux").key("namespaces").index(2).key("type")
        #expect(path.description == "linux.namespaces[2].type")
        #expect(JSONPath("linux").key("sysctl").key("net.ipv4.ip_forward").description == #"linux.sysctl["net.ipv4.ip_forward"]"#)
        #expect(JSONPath().key("a\"b").description == #"["a\"b"]"#)
        #expect(JSONPath().index(0).key("x").description == "[0].x")
        #expect(JSONPath().key("9lives").description == #"["9lives"]"#)
        #expect(JSONPath().key("").description == #"[""]"#)
    }

    @Test func fromCodingPath() {
        let path: [any CodingKey] = [Key("process"), IndexKey(0), Key("args"), IndexKey(12), Key("1")]
        #expect(JSONPath(codingPath: path).description == #"process[0].args[12]["1"]"#)
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { Int(stringValue) }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { stringValue = String(intValue) }
    }
}

@Suite struct ContainerIDTests {
    @Test(arguments: ["a", "my-container", "abc_DEF.123", "...", ".hidden", "x..y", String(repeating: "a", count: 1024)])
    func accepted(id: String) throws {
        try ContainerID.validate(id)
    }

    @Test(arguments: ["..", ".", "../x", "a/b", "/abs", "a b", "a\n", "tab\t", "é", "a+b", "a,b", "a:b"])
    func rejected(id: String) {
        #expect(throws: ContainerIDError(id: id, reason: #"must match [A-Za-z0-9_.-]+ and not be "." or "..""#)) {
            try ContainerID.validate(id)
        }
    }

    @Test func messages() {
        #expect(throws: ContainerIDError.self) { try ContainerID.validate("") }
        do {
            try ContainerID.validate("../x")
            Issue.record("accepted ../x")
        } catch {
            #expect(error.description == #"container id "../x": must match [A-Za-z0-9_.-]+ and not be "." or "..""#)
        }
        do {
            try ContainerID.validate("")
        } catch {
            #expect(error.description == #"container id "": must not be empty"#)
        }
        do {
            try ContainerID.validate(String(repeating: "a", count: 1025))
        } catch {
            #expect(error.description.hasSuffix("must not be longer than 1024 characters"))
        }
    }
}
