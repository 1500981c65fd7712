import Glibc
import OCISpec
import Testing
import TestSupport
@testable import ContainerCore

/// User namespaces: the container's root is an unprivileged host uid, and an idmapped bind
/// mount shows host files with the owners the mapping gives them (runc 1.1, the conformance
/// reference, has no idmapped mounts: this is checked here instead).
extension Lifecycle {
    @Suite struct UserNamespaces {
        static let mapping = [LinuxIDMapping(containerID: 0, hostID: 100_000, size: 65536)]

        static func userNamespaceFixture(_ script: String) throws -> ContainerFixture {
            let f = try ContainerFixture(args: ["/bin/sh", "-c", script])
            f.spec.linux?.namespaces?.append(LinuxNamespace(type: "user"))
            f.spec.linux?.uidMappings = mapping
            f.spec.linux?.gidMappings = mapping
            // The mapped root (host uid 100000) must reach and read its rootfs and write its report;
            // mkdtemp made the fixture directory 0700.
            chmod(f.dir, 0o755)
            try ContainerFixture.sh(["/bin/chown", "-R", "100000:100000", f.rootfs, f.out])
            return f
        }

        @Test func rootInsideIsAnUnprivilegedUidOutside() throws {
            let f = try Self.userNamespaceFixture("cat /proc/self/uid_map > /out/map; id -u > /out/uid; touch /out/made")
            try f.writeSpec()
            let id = f.newID("userns")
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            #expect(f.outFile("uid") == "0\n")
            #expect(f.outFile("map")?.split(separator: " ", omittingEmptySubsequences: true) == ["0", "100000", "65536\n"])
            var st = stat()
            #expect(stat(f.out + "/made", &st) == 0 && st.st_uid == 100_000)
        }

        @Test func idmappedBindMountShowsHostRootFilesAsRoot() throws {
            let f = try Self.userNamespaceFixture(
                "stat -c %u /idmapped/owned-by-host-root > /out/idmapped; stat -c %u /plain/owned-by-host-root > /out/plain; touch /idmapped/new"
            )
            let volume = f.dir + "/volume"
            #expect(mkdir(volume, 0o755) == 0)
            try FileIO.write(volume + "/owned-by-host-root", Array("x".utf8), flags: O_WRONLY | O_CREAT | O_CLOEXEC)
            f.spec.mounts?.append(
                Mount(
                    destination: "/idmapped", type: "bind", source: volume, options: ["rbind"],
                    uidMappings: Self.mapping, gidMappings: Self.mapping))
            f.spec.mounts?.append(Mount(destination: "/plain", type: "bind", source: volume, options: ["rbind"]))
            try f.writeSpec()
            let id = f.newID("idmap")
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            #expect(f.outFile("idmapped") == "0\n")  // host uid 0, seen through the mapping
            #expect(f.outFile("plain") == "65534\n")  // unmapped without it: the overflow uid
            var st = stat()
            #expect(stat(volume + "/new", &st) == 0 && st.st_uid == 0, "a file the container's root makes is host root's")
        }

        /// Joining a pod's user namespace while creating the other namespaces (Kubernetes with
        /// user namespaces): the new ones must belong to the joined one, or mounts fail.
        @Test func joinedUserNamespaceOwnsTheNewNamespaces() throws {
            let pod = try Self.userNamespaceFixture("sleep 30")
            try pod.writeSpec()
            let podID = pod.newID("pod")
            let podPid = try pod.create(podID).pid
            try pod.runtime.start(id: podID)

            let f = try Self.userNamespaceFixture("cat /proc/self/uid_map > /out/map; hostname > /out/host; echo $$ > /out/pid")
            f.spec.hostname = "joiner"
            f.spec.linux?.uidMappings = nil
            f.spec.linux?.gidMappings = nil
            let joined = (f.spec.linux?.namespaces ?? []).map {
                $0.type == "user" ? LinuxNamespace(type: "user", path: "/proc/\(podPid)/ns/user") : $0
            }
            f.spec.linux?.namespaces = joined
            try f.writeSpec()
            let id = f.newID("joiner")
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            #expect(f.outFile("map")?.split(separator: " ", omittingEmptySubsequences: true) == ["0", "100000", "65536\n"])
            #expect(f.outFile("host") == "joiner\n")  // a uts namespace of its own
            #expect(f.outFile("pid") == "1\n")  // a pid namespace of its own
        }
    }
}
