import Glibc
import OCISpec
import Testing
import TestSupport
@testable import ContainerCore

/// What the container must not get from the host: paths outside its rootfs, the runtime's
/// file descriptors, the runtime binary.
extension Lifecycle {
    @Suite struct Isolation {
        /// A hostile image: /etc is a symlink to an absolute host path. A mount on /etc/foo must
        /// land inside the rootfs (CVE-2021-30465 class), never on the host path.
        @Test func mountThroughAnAbsoluteSymlinkStaysInTheRootfs() throws {
            let f = try ContainerFixture(args: ["/bin/sh", "-c", "cat /etc/foo/marker > /out/seen"])
            let hostTarget = f.dir + "/host-etc"
            #expect(mkdir(hostTarget, 0o755) == 0)
            let source = f.dir + "/volume"
            #expect(mkdir(source, 0o755) == 0)
            try FileIO.write(source + "/marker", Array("from the volume\n".utf8), flags: O_WRONLY | O_CREAT | O_CLOEXEC)
            FileIO.removeTree(f.rootfs + "/etc")
            #expect(symlink(hostTarget, f.rootfs + "/etc") == 0)
            f.spec.mounts?.append(Mount(destination: "/etc/foo", type: "bind", source: source, options: ["rbind", "ro"]))
            try f.writeSpec()

            let id = f.newID("hostile")
            try f.create(id)
            #expect(FileIO.listDirectory(hostTarget) == [], "the host path was written to")
            #expect(FileIO.isDirectory(f.rootfs + hostTarget + "/foo"))
            try f.runtime.start(id: id)
            #expect(eventually { f.outFile("seen") == "from the volume\n" })
            #expect(eventually { f.status(id) == "stopped" })
            #expect(FileIO.listDirectory(hostTarget) == [])
        }

        /// The same attack through an earlier mount: a bind-mounted volume holding a symlink to
        /// a host path, and a later mount below that symlink. Paths resolved before the mounts
        /// exist cannot see the symlink; the child must not follow it to the host.
        @Test func mountThroughASymlinkInAnEarlierMountStaysInTheRootfs() throws {
            let f = try ContainerFixture(args: ["/bin/true"])
            let hostTarget = f.dir + "/host-target"
            #expect(mkdir(hostTarget, 0o755) == 0)
            let volume = f.dir + "/volume"
            #expect(mkdir(volume, 0o755) == 0)
            #expect(symlink(hostTarget, volume + "/escape") == 0)
            let other = f.dir + "/other"
            #expect(mkdir(other, 0o755) == 0)
            f.spec.mounts?.append(Mount(destination: "/data", type: "bind", source: volume, options: ["rbind"]))
            f.spec.mounts?.append(Mount(destination: "/data/escape/foo", type: "bind", source: other, options: ["rbind"]))
            try f.writeSpec()

            let id = f.newID("stacked")
            _ = try? f.create(id)  // failing is fine; touching the host is not
            #expect(FileIO.listDirectory(hostTarget) == [], "created on the host: \(FileIO.listDirectory(hostTarget))")
        }

        /// Only stdio crosses into the container (CVE-2024-21626: no runtime fd may leak).
        @Test func onlyStdioIsOpenInTheContainer() throws {
            let f = try ContainerFixture(args: ["/bin/sh", "-c", "exec > /out/fds; exec ls /proc/self/fd"])
            let id = f.newID("fds")
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            // 0, 1, 2, and the directory ls itself opened to list /proc/self/fd.
            #expect(f.outFile("fds") == "0\n1\n2\n3\n")
        }

        @Test func runningInitHasExactlyStdioOpen() throws {
            let f = try ContainerFixture(args: ["/bin/sleep", "30"])
            let id = f.newID("fds-host")
            let record = try f.create(id)
            try f.runtime.start(id: id)
            // Once exec'd, the exe is busybox (seen from the host as a path in the container's mounts).
            #expect(eventually { readLink("/proc/\(record.pid)/exe")?.hasSuffix("/bin/busybox") == true })
            #expect(openFDs(of: record.pid) == [0, 1, 2])
            try f.runtime.delete(id: id, force: true)
        }

        /// CVE-2019-5736: the container's init must not be (a handle on) the runtime binary.
        @Test func procOneExeIsNotTheRuntime() throws {
            let f = try ContainerFixture(args: ["/bin/sh", "-c", "readlink /proc/1/exe > /out/exe; echo $$ > /out/pid"])
            let id = f.newID("exe")
            try f.create(id)
            try f.runtime.start(id: id)
            #expect(eventually { f.status(id) == "stopped" })
            #expect(f.outFile("pid") == "1\n")
            #expect(f.outFile("exe") == "/bin/busybox\n")
        }
    }
}
