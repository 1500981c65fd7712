import OCISpec
import Testing
@testable import Cgroups

@Suite struct DeviceRuleTests {
    static let char: Int32 = 2, block: Int32 = 1
    static let r: UInt8 = 2, w: UInt8 = 4, m: UInt8 = 1

    func program(_ rules: [LinuxDeviceCgroup]) throws -> DeviceFilterProgram {
        try DeviceFilterProgram(rules: try DeviceRule.resolve(rules))
    }

    @Test func resolvesDefaultsAndRejectsNonsense() throws {
        let all = try DeviceRule(LinuxDeviceCgroup(allow: false), index: 0)
        #expect(all.isWildcardAll)
        #expect(all.v1Entries == ["a"])
        let null = try DeviceRule(LinuxDeviceCgroup(allow: true, type: "c", major: 1, minor: 3, access: "rw"), index: 0)
        #expect(null.v1Entries == ["c 1:3 rw"])
        let pts = try DeviceRule(LinuxDeviceCgroup(allow: true, type: "c", major: 136, minor: -1, access: "mwr"), index: 0)
        #expect(pts.v1Entries == ["c 136:* rwm"])
        // v1 reads a leading "a" as everything; a narrowed "a" rule becomes c and b.
        let narrowed = try DeviceRule(LinuxDeviceCgroup(allow: true, type: "a", major: 8, access: "r"), index: 0)
        #expect(narrowed.v1Entries == ["c 8:* r", "b 8:* r"])

        #expect(throws: CgroupError("linux.resources.devices[2].type: unknown device type \"x\"")) {
            try DeviceRule.resolve([.init(allow: true), .init(allow: true), .init(allow: true, type: "x")])
        }
        #expect(throws: CgroupError.self) { try DeviceRule(LinuxDeviceCgroup(allow: true, type: "cb"), index: 0) }
        #expect(throws: CgroupError.self) { try DeviceRule(LinuxDeviceCgroup(allow: true, type: ""), index: 0) }
        #expect(throws: CgroupError.self) { try DeviceRule(LinuxDeviceCgroup(allow: true, access: "rx"), index: 0) }
        // dev_t has 12-bit majors and 20-bit minors; larger numbers would be cut in the BPF immediate.
        #expect(throws: CgroupError.self) { try DeviceRule(LinuxDeviceCgroup(allow: true, type: "c", major: 4096), index: 0) }
        #expect(throws: CgroupError.self) { try DeviceRule(LinuxDeviceCgroup(allow: true, type: "c", major: 1, minor: 1 << 20), index: 0) }
        #expect(throws: CgroupError.self) { try DeviceRule(LinuxDeviceCgroup(allow: true, type: "c", major: 1 << 32), index: 0) }
    }

    @Test func v1WritesDenyAllFirstThenRulesInOrder() throws {
        let rules = try DeviceRule.resolve([
            .init(allow: false, access: "rwm"),
            .init(allow: true, type: "c", major: 1, minor: 3, access: "rwm"),
            .init(allow: false, type: "c", major: 1, minor: 3, access: "w")
        ])
        let writes = DeviceRules.v1Writes(rules).map { "\($0.file)=\($0.value)" }
        #expect(writes == ["devices.deny=a", "devices.deny=a", "devices.allow=c 1:3 rwm", "devices.deny=c 1:3 w"])
    }

    @Test func emptyRulesDenyEverything() throws {
        let p = try program([])
        #expect(!p.run(type: Self.char, major: 1, minor: 3, access: Self.r))
        #expect(p.instructions.count == 8)
    }

    @Test func allowsOnlyWhatIsListed() throws {
        let p = try program([
            .init(allow: false, access: "rwm"),
            .init(allow: true, type: "c", major: 1, minor: 3, access: "rw"),
            .init(allow: true, type: "c", major: 136, access: "rwm")
        ])
        #expect(p.run(type: Self.char, major: 1, minor: 3, access: Self.r | Self.w))
        #expect(!p.run(type: Self.char, major: 1, minor: 3, access: Self.m))  // mknod not granted
        #expect(!p.run(type: Self.block, major: 1, minor: 3, access: Self.r))  // wrong type
        #expect(!p.run(type: Self.char, major: 1, minor: 5, access: Self.r))
        #expect(p.run(type: Self.char, major: 136, minor: 42, access: Self.w))  // minor wildcard
    }

    @Test func laterRulesWinPerAccessBit() throws {
        // allow everything, then take away write on /dev/null, then give read back twice.
        let p = try program([
            .init(allow: true, access: "rwm"),
            .init(allow: false, type: "c", major: 1, minor: 3, access: "w")
        ])
        #expect(p.run(type: Self.char, major: 1, minor: 3, access: Self.r))
        #expect(!p.run(type: Self.char, major: 1, minor: 3, access: Self.w))
        #expect(!p.run(type: Self.char, major: 1, minor: 3, access: Self.r | Self.w))  // part denied → denied
        #expect(p.run(type: Self.block, major: 8, minor: 0, access: Self.w))

        // read granted by one rule and write by another: both bits covered → allowed.
        let q = try program([
            .init(allow: true, type: "c", major: 1, minor: 3, access: "r"),
            .init(allow: true, type: "c", major: 1, minor: 3, access: "w")
        ])
        #expect(q.run(type: Self.char, major: 1, minor: 3, access: Self.r | Self.w))
        #expect(!q.run(type: Self.char, major: 1, minor: 3, access: Self.m))
    }

    @Test func catchAllRuleEndsTheProgram() throws {
        // Older rules after an allow-all could never change anything; the verifier
        // rejects unreachable code, so none is emitted.
        let p = try program([.init(allow: false, type: "c", major: 1, minor: 3), .init(allow: true)])
        #expect(p.instructions.count == 6 + 2)
        #expect(p.run(type: Self.char, major: 1, minor: 3, access: Self.r))
    }

    @Test func encodesInstructionsLittleEndian() {
        let i = DeviceFilterProgram.Instruction(code: 0x55, dst: 4, src: 0, off: 3, imm: 136)
        #expect(i.bytes == [0x55, 0x04, 3, 0, 136, 0, 0, 0])
        let neg = DeviceFilterProgram.Instruction(code: 0xbc, dst: 1, src: 3, off: -1, imm: -1)
        #expect(neg.bytes == [0xbc, 0x31, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    }
}
