import ArgumentParser
import Cgroups
import FoundationEssentials
import OCISpec
import Testing
@testable import ContainerCore
@testable import RuntimeCLI

/// What scripts written for runc rely on (issue 13 "Differences callers feel", issue 10 §5).
@Suite struct CallerDetailsTests {
    static let base = User(uid: 5, gid: 6)

    @Test(arguments: [("7", 7, 6), ("7:8", 7, 8), ("0:0", 0, 0), ("4294967295", UInt32.max, 6), ("", 5, 6)])
    func userSpecs(_ text: String, _ uid: UInt32, _ gid: UInt32) throws {
        let user = try Exec.parseUser(text, base: Self.base)
        #expect(user.uid == uid && user.gid == gid)
    }

    /// These trapped (":" and "" indexed an empty split) or were half-accepted.
    @Test(arguments: [":", "1:", ":1", "x", "1:x", "-1", "+1", "4294967296", "1:2:3", "99999999999999999999", "٣"])
    func badUserSpecsAreOneLineErrors(_ text: String) {
        let error = #expect(throws: RuntimeError.self) { try Exec.parseUser(text, base: Self.base) }
        #expect(error?.description.hasPrefix("--user: ") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func execShortProcessAndRuncOptions() throws {
        let exec = try #require(try RuntimeCommand.parseAsRoot(["exec", "-p", "/p.json", "--ignore-paused", "c1"]) as? Exec)
        #expect(exec.processFile == "/p.json")
        #expect(exec.ignorePaused)
        let withCgroup = try #require(try RuntimeCommand.parseAsRoot(["exec", "--cgroup", "sub", "c1", "true"]) as? Exec)
        #expect(withCgroup.cgroups == ["sub"])
        let negative = try #require(try RuntimeCommand.parseAsRoot(["exec", "--user", "-1", "c1", "true"]) as? Exec)
        #expect(negative.user == "-1")  // a value, refused by parseUser, not a usage error
    }

    @Test func listEntryInRuncFieldOrder() throws {
        let state = try JSONDecoder().decode(
            OCIStateOutput.self,
            from: Data(
                """
                {"owner":"root","annotations":{"b":"2","a":"1"},"created":"T","rootfs":"/r","bundle":"/b",
                 "status":"running","pid":42,"id":"c1","ociVersion":"1.2.0"}
                """.utf8))
        #expect(
            try JSONText.listed(state)
                == #"{"ociVersion":"1.2.0","id":"c1","pid":42,"status":"running","bundle":"/b","rootfs":"/r","created":"T","annotations":{"a":"1","b":"2"},"owner":"root"}"#
        )
    }

    @Test func eventKeysInRuncOrder() throws {
        #expect(try JSONText.events(ContainerEvent(type: "oom", id: "c1")) == #"{"type":"oom","id":"c1"}"#)
        let stats = try JSONText.events(ContainerEvent(type: "stats", id: "c1", stats: CgroupStats()))
        #expect(stats.hasPrefix(#"{"type":"stats","id":"c1","data":{"blkio":{}"#))
        #expect(
            stats.hasSuffix(
                #""intel_rdt":{},"memory":{"kernel":{"failcnt":0,"limit":0},"kernelTCP":{"failcnt":0,"limit":0},"swap":{"failcnt":0,"limit":0},"usage":{"failcnt":0,"limit":0}},"network_interfaces":null,"pids":{}}}"#
            ))
    }
}
