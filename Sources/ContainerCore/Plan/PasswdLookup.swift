/// HOME for the process when config.json does not set it: the user's entry in the
import OCISpec
/// container's /etc/passwd, else "/" (runc's behaviour).
enum PasswdLookup {
    static func home(uid: UInt32, rootfs: String, host: any PlannerHost = LiveHost()) throws -> String {
        // The image's /etc/passwd may be a symlink, a FIFO, /dev/zero: see ImageFile.
        guard let bytes = try host.imageFile(rootfs: rootfs, "/etc/passwd") else { return "/" }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count >= 6, UInt32(fields[2]) == uid, !fields[5].isEmpty { return String(fields[5]) }
        }
        return "/"
    }

    /// The host user name for `owner` (state, list): /etc/passwd read directly, as runc
    /// does; glibc's getpwuid would first load the NSS configuration on every create.
    static func hostUserName(uid: UInt32) -> String {
        guard let text = FileIO.readString("/etc/passwd") else { return String(uid) }
        // As bytes: a String split walks grapheme clusters (~10x slower on every create).
        for line in TextFields.split(text, at: UInt8(ascii: "\n")) {
            let fields = TextFields.split(line, at: UInt8(ascii: ":"), maxSplits: 3, omittingEmpty: false)
            if fields.count >= 3, UInt32(fields[2]) == uid { return fields[0] }
        }
        return String(uid)
    }
}
