import CKernel
import Glibc

/// The few bpf(2) commands needed to put a device filter on a cgroup v2
/// directory, through the C declaration of bpf(2) (CKernel).
enum BPF {

    static let progLoad: Int32 = 5, progAttach: Int32 = 8, progDetach: Int32 = 9
    static let progGetFDByID: Int32 = 13, progQuery: Int32 = 16
    static let progTypeCgroupDevice: UInt32 = 15
    static let attachCgroupDevice: UInt32 = 6
    static let fAllowMulti: UInt32 = 2

    /// Calls bpf(cmd, attr, size); attr is a zero-filled union bpf_attr prefix.
    static func call(_ cmd: Int32, _ attr: inout [UInt8]) -> (result: Int, errno: Int32) {
        let r = attr.withUnsafeMutableBytes { ckernel_bpf(cmd, $0.baseAddress, UInt32($0.count)) }
        return (r, r < 0 ? errno : 0)
    }

    static func put32(_ a: inout [UInt8], _ off: Int, _ v: UInt32) {
        for k in 0..<4 { a[off + k] = UInt8((v >> (8 * UInt32(k))) & 0xff) }
    }

    static func put64(_ a: inout [UInt8], _ off: Int, _ v: UInt64) {
        for k in 0..<8 { a[off + k] = UInt8((v >> (8 * UInt64(k))) & 0xff) }
    }

    static func get32(_ a: [UInt8], _ off: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | (UInt32(a[off + $1]) << (8 * UInt32($1))) }
    }

    /// BPF_PROG_LOAD of a cgroup device program; returns its fd. On failure the
    /// load is repeated with the verifier log, which goes into the error.
    static func loadDeviceProgram(_ program: DeviceFilterProgram) throws -> Int32 {
        let code = program.bytes
        let license = Array(DeviceFilterProgram.license.utf8) + [0]
        func attempt(logSize: Int) -> (Int, Int32, String) {
            var log = [UInt8](repeating: 0, count: max(logSize, 1))
            return code.withUnsafeBytes { insns in
                license.withUnsafeBytes { lic in
                    log.withUnsafeMutableBytes { logBuf in
                        var attr = [UInt8](repeating: 0, count: 120)
                        put32(&attr, 0, progTypeCgroupDevice)
                        put32(&attr, 4, UInt32(code.count / 8))
                        put64(&attr, 8, UInt64(UInt(bitPattern: insns.baseAddress)))
                        put64(&attr, 16, UInt64(UInt(bitPattern: lic.baseAddress)))
                        if logSize > 0 {
                            put32(&attr, 24, 1)
                            put32(&attr, 28, UInt32(logSize))
                            put64(&attr, 32, UInt64(UInt(bitPattern: logBuf.baseAddress)))
                        }
                        let (r, e) = call(progLoad, &attr)
                        let text = String(decoding: logBuf.prefix(while: { $0 != 0 }), as: UTF8.self)
                        return (r, e, text)
                    }
                }
            }
        }
        let (fd, err, _) = attempt(logSize: 0)
        if fd >= 0 { return Int32(fd) }
        let (fd2, err2, log) = attempt(logSize: 1 << 16)
        if fd2 >= 0 { return Int32(fd2) }
        let detail = log.isEmpty ? "" : "; verifier log: " + log.trimmingWhitespace()
        throw CgroupError(
            "loading the device filter eBPF program (\(program.instructions.count) instructions): \(errnoText(err2 != 0 ? err2 : err))\(detail)",
            errno: err2)
    }

    /// IDs of the device programs attached directly to the cgroup `cgroupFD`.
    static func attachedDevicePrograms(cgroupFD: Int32) throws -> [UInt32] {
        var ids = [UInt32](repeating: 0, count: 64)
        let (r, err, count): (Int, Int32, UInt32) = ids.withUnsafeMutableBytes { buf in
            var attr = [UInt8](repeating: 0, count: 120)
            put32(&attr, 0, UInt32(bitPattern: cgroupFD))
            put32(&attr, 4, attachCgroupDevice)
            put64(&attr, 16, UInt64(UInt(bitPattern: buf.baseAddress)))
            put32(&attr, 24, 64)
            let (r, e) = call(progQuery, &attr)
            return (r, e, get32(attr, 24))
        }
        if r < 0 { throw CgroupError.sys("querying the device programs of the cgroup (BPF_PROG_QUERY)", err) }
        return Array(ids.prefix(Int(min(count, 64))))
    }

    static func attach(programFD: Int32, cgroupFD: Int32) throws {
        var attr = [UInt8](repeating: 0, count: 120)
        put32(&attr, 0, UInt32(bitPattern: cgroupFD))
        put32(&attr, 4, UInt32(bitPattern: programFD))
        put32(&attr, 8, attachCgroupDevice)
        put32(&attr, 12, fAllowMulti)
        let (r, err) = call(progAttach, &attr)
        if r < 0 { throw CgroupError.sys("attaching the device filter to the cgroup (BPF_PROG_ATTACH)", err) }
    }

    /// Detaches the program with `id` from the cgroup; an already-gone program is fine.
    static func detach(programID id: UInt32, cgroupFD: Int32) throws {
        var get = [UInt8](repeating: 0, count: 120)
        put32(&get, 0, id)
        let (fd, gerr) = call(progGetFDByID, &get)
        if fd < 0 {
            if gerr == ENOENT { return }
            throw CgroupError.sys("opening device program \(id) (BPF_PROG_GET_FD_BY_ID)", gerr)
        }
        defer { close(Int32(fd)) }
        var attr = [UInt8](repeating: 0, count: 120)
        put32(&attr, 0, UInt32(bitPattern: cgroupFD))
        put32(&attr, 4, UInt32(fd))
        put32(&attr, 8, attachCgroupDevice)
        let (r, err) = call(progDetach, &attr)
        if r < 0 && err != ENOENT {
            throw CgroupError.sys("detaching device program \(id) from the cgroup (BPF_PROG_DETACH)", err)
        }
    }

    /// Replaces the device filter of the cgroup directory `dir` with one built from
    /// `rules`: attach the new program (BPF_F_ALLOW_MULTI), then detach the ones that
    /// were there, so the container is never without a filter (runc does the same).
    static func installDeviceFilter(_ rules: [DeviceRule], on dir: String) throws {
        let cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if cgfd < 0 { throw CgroupError.sys("opening \(dir)", errno) }
        defer { close(cgfd) }
        let old = try attachedDevicePrograms(cgroupFD: cgfd)
        let prog = try loadDeviceProgram(try DeviceFilterProgram(rules: rules))
        defer { close(prog) }
        do {
            try attach(programFD: prog, cgroupFD: cgfd)
        } catch let e as CgroupError {
            throw CgroupError("\(dir): \(e.message)", errno: e.errno)
        }
        for id in old { try detach(programID: id, cgroupFD: cgfd) }
    }
}

/// eventfd(2) is in glibc but not in Swift's Glibc module map.
enum EventFD {
    static func make() throws -> Int32 {
        let fd = ckernel_eventfd(0, O_CLOEXEC)  // EFD_CLOEXEC == O_CLOEXEC
        if fd < 0 { throw CgroupError.sys("eventfd", errno) }
        return fd
    }
}
