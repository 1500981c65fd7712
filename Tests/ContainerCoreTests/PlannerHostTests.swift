import Glibc
import OCISpec
import Testing
@testable import ContainerCore

/// The planner as a function of (spec, options, host view): what it reads from the image
/// and the host comes through PlannerHost, so these need no files at all.
@Suite struct PlannerHostTests {
    static let image: [String: FakeHost.Entry] = [
        "/img": .directory, "/img/etc": .directory, "/img/proc": .directory, "/img/mnt": .directory,
        "/img/etc/passwd": .file("root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\n")
    ]

    static func plan(_ entries: [String: FakeHost.Entry], namespaces: [String] = ["mount"], uid: UInt32 = 0) throws -> LaunchPlan {
        var options = Planner.Options()
        options.host = FakeHost(entries: entries)
        options.inUserNamespace = false
        let spec = Spec(
            process: Process(user: User(uid: uid), args: ["/bin/true"], env: ["PATH=/bin"]), root: Root(path: "/img"),
            mounts: [Mount(destination: "/proc", type: "proc", source: "proc")],
            linux: Linux(namespaces: namespaces.map { LinuxNamespace(type: $0) }))
        return try Planner(spec: spec, bundle: "/bundle", options: options).plan()
    }

    @Test func homeComesFromTheImagesPasswd() throws {
        #expect(try Self.plan(Self.image, uid: 1000).env.contains("HOME=/home/u"))
        #expect(try Self.plan(Self.image, uid: 0).env.contains("HOME=/root"))
    }

    @Test func imagePathsAreResolvedInsideTheImage() throws {
        var entries = Self.image
        entries["/img/dev"] = .symlink("/etc")  // a hostile image: /dev → its own /etc, never the host's
        let devices = try Self.plan(entries).devices
        #expect(!devices.isEmpty && devices.allSatisfy { $0.path.hasPrefix("/img/etc/") })
    }

    @Test func procOnASymlinkIsRefused() throws {
        var entries = Self.image
        entries["/img/proc"] = .symlink("/mnt")
        let error = #expect(throws: RuntimeError.self) { try Self.plan(entries) }
        #expect(error?.description.contains("ordinary directory") == true)
    }

    @Test func devCoreOnlyWithTheHostsKcore() throws {
        #expect(!(try Self.plan(Self.image).symlinks.contains { $0.link == "/img/dev/core" }))
        var entries = Self.image
        entries["/proc/kcore"] = .file("")
        #expect(try Self.plan(entries).symlinks.contains { $0.link == "/img/dev/core" })
    }

    @Test func withoutAMountNamespaceTheRootIsAChroot() throws {
        #expect(try Self.plan(Self.image, namespaces: ["pid"]).chrootPath == "/img")
        #expect(try Self.plan(Self.image, namespaces: ["mount"]).chrootPath == nil)
    }
}
