import OCISpec
import Testing
@testable import ContainerCore

/// The cache key must change whenever the compiled filter could: every field counts.
@Suite struct SeccompKeyTests {
    static let arg = LinuxSeccompArg(index: 1, value: 2, valueTwo: 3, op: "SCMP_CMP_EQ")
    static let rule = LinuxSyscall(names: ["read", "write"], action: "SCMP_ACT_ERRNO", errnoRet: 1, args: [arg])
    static let profile = LinuxSeccomp(
        defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 38, architectures: ["SCMP_ARCH_X86_64"],
        flags: ["SECCOMP_FILTER_FLAG_LOG"], listenerPath: "/run/l.sock", listenerMetadata: "m",
        syscalls: [rule])

    static func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }

    /// A field added to the profile types must be added to SeccompKey (and here).
    @Test func theKeyCoversEveryStoredProperty() {
        #expect(
            Self.labels(Self.profile) == [
                "defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath", "listenerMetadata", "syscalls"
            ])
        #expect(Self.labels(Self.rule) == ["names", "action", "errnoRet", "args"])
        #expect(Self.labels(Self.arg) == ["index", "value", "valueTwo", "op"])
    }

    @Test func everyChangeOfAFieldChangesTheKey() {
        let changes: [(inout LinuxSeccomp) -> Void] = [
            { $0.defaultAction = "SCMP_ACT_KILL" }, { $0.defaultErrnoRet = nil }, { $0.defaultErrnoRet = 1 },
            { $0.architectures = nil }, { $0.architectures = [] }, { $0.architectures?.append("SCMP_ARCH_X86") },
            { $0.flags = ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"] }, { $0.listenerPath = nil }, { $0.listenerMetadata = "n" },
            { $0.syscalls = nil }, { $0.syscalls = [] }, { $0.syscalls?.append(Self.rule) },
            { $0.syscalls?[0].names = ["read"] }, { $0.syscalls?[0].names = ["readwrite"] },
            { $0.syscalls?[0].action = "SCMP_ACT_LOG" }, { $0.syscalls?[0].errnoRet = nil },
            { $0.syscalls?[0].args = nil }, { $0.syscalls?[0].args = [] },
            { $0.syscalls?[0].args?[0].index = 0 }, { $0.syscalls?[0].args?[0].value = 0 },
            { $0.syscalls?[0].args?[0].valueTwo = nil }, { $0.syscalls?[0].args?[0].op = "SCMP_CMP_NE" }
        ]
        var seen: Set<[UInt8]> = [SeccompKey(Self.profile).bytes]
        for change in changes {
            var changed = Self.profile
            change(&changed)
            #expect(changed != Self.profile)
            #expect(seen.insert(SeccompKey(changed).bytes).inserted)
        }
        #expect(SeccompKey(Self.profile).bytes == SeccompKey(Self.profile).bytes)
    }

    /// Values cannot run into each other: ["ab"] and ["a", "b"], or a string that spells a marker.
    @Test func valuesAreSelfDelimiting() {
        var a = Self.profile
        a.architectures = ["ab"]
        var b = Self.profile
        b.architectures = ["a", "b"]
        #expect(SeccompKey(a).bytes != SeccompKey(b).bytes)
        var c = Self.profile
        c.listenerPath = "-"
        var d = Self.profile
        d.listenerPath = nil
        d.listenerMetadata = "s1:-"
        #expect(SeccompKey(c).bytes != SeccompKey(d).bytes)
    }
}
