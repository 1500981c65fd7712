import OCISpec
import Testing

/// The text helpers used instead of the standard library's generic `joined(separator:)` and
/// `split` on the start-up path: same results, every edge.
@Suite struct TextHelpersTests {
    @Test func joinsAsTheStandardLibraryDoes() {
        let lists: [[String]] = [[], [""], ["", ""], ["a"], ["a", "b", "c"], ["", "a", ""], ["日本", "👍🏽"]]
        for list in lists {
            for separator in ["", "/", ", "] {
                #expect(TextJoin.join(list, separator: separator) == list.joined(separator: separator))
                let substrings = list.map { Substring($0) }
                #expect(TextJoin.join(substrings, separator: separator) == substrings.joined(separator: separator))
            }
        }
    }

    @Test func normalPathsAreAbsoluteAndClean() {
        for path in ["/", "/a", "/a/b", "/a.b/..c/...", "/.x", "/sys/fs/cgroup/cpu/c1"] {
            #expect(NormalPath.isNormal(path), "\(path)")
        }
        for path in ["", "a", "a/b", "//", "/a/", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a/.", "./a", "/a/.."] {
            #expect(!NormalPath.isNormal(path), "\(path)")
        }
    }

    static let splitInputs = [
        "", ":", "::", "a", "a:", ":a", "a:b", "a::b", ":a:b:", "::a::b::", "é:日本:👍🏽", "0::0:root:/root:/bin/sh\n"
    ]

    @Test func splitsAsTheStandardLibraryDoes() {
        let colon = UInt8(ascii: ":")
        for text in Self.splitInputs {
            for omitting in [true, false] {
                for maxSplits in [0, 1, 2, 3, Int.max] {
                    let expected = text.utf8.split(separator: colon, maxSplits: maxSplits, omittingEmptySubsequences: omitting)
                        .map { String(Substring($0)) }
                    #expect(
                        TextFields.split(text, at: colon, maxSplits: maxSplits, omittingEmpty: omitting) == expected,
                        "\(text) max \(maxSplits) omitting \(omitting)")
                    let piece = Substring("x" + text + "x").dropFirst().dropLast()
                    #expect(TextFields.split(piece, at: colon, maxSplits: maxSplits, omittingEmpty: omitting) == expected)
                }
            }
        }
    }
}

/// sysctl(8)'s reading of a key: the first separator decides; no part may step out of /proc/sys.
@Suite struct SysctlKeyTests {
    @Test(arguments: [
        ("net.ipv4.ip_forward", "net/ipv4/ip_forward"), ("net/ipv4/ip_forward", "net/ipv4/ip_forward"),
        ("net.ipv4.conf.eth0/100.forwarding", "net/ipv4/conf/eth0.100/forwarding"),
        ("net/ipv4/conf/eth0.100/forwarding", "net/ipv4/conf/eth0.100/forwarding"),
        ("kernel.shmmax", "kernel/shmmax"), ("kernel", "kernel"), ("net.\u{301}x", "net/\u{301}x")
    ])
    func pathOf(_ key: String, _ expected: String) {
        #expect(SysctlKey.path(key) == expected)
    }

    @Test(arguments: [
        "", "net..ipv4", "net.ipv4.", ".net", "net/../kernel/core_pattern", "net/./ipv4", "net/..",
        "net.ipv4/../../kernel", "/net/ipv4", "net//ipv4", "..", "."
    ])
    func refuses(_ key: String) {
        #expect(SysctlKey.path(key) == nil)
    }

    @Test func dottedNamesForTheNamespaceRules() {
        #expect(SysctlKey.dotted(path: "net/ipv4/conf/eth0.100/forwarding") == "net.ipv4.conf.eth0.100.forwarding")
    }
}
