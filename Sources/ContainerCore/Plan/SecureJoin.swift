import Glibc
import OCISpec

/// Resolve a container path inside the rootfs the way the kernel would after pivot_root:
/// symlinks are followed, but absolute links and ".." are re-rooted at the rootfs, so a
/// hostile image cannot point a mount at a host path (the runc CVE-2021-30465 class).
enum SecureJoin {
    static func resolve(rootfs: String, _ path: String, host: any PlannerHost = LiveHost()) throws -> String {
        let slash = UInt8(ascii: "/")
        var resolved: [String] = []
        var resolvedPath = rootfs  // rootfs, then "/" and each of `resolved`
        var pending = Array(TextFields.split(path, at: slash).reversed())
        var hops = 0
        while let part = pending.popLast() {
            if part == "." { continue }
            if part == ".." {
                _ = resolved.popLast()
                resolvedPath = rootfs + (resolved.isEmpty ? "" : "/" + TextJoin.join(resolved, separator: "/"))
                continue
            }
            let candidate = resolvedPath + "/" + part
            guard let target = host.symlinkTarget(candidate) else {
                resolved.append(part)  // not a symlink, or does not exist yet: keep as is
                resolvedPath = candidate
                continue
            }
            hops += 1
            if hops > 255 { throw RuntimeError("\(path): too many levels of symbolic links in the rootfs") }
            if target.hasPrefix("/") {
                resolved = []
                resolvedPath = rootfs
            }
            pending.append(contentsOf: TextFields.split(target, at: slash).reversed())
        }
        return resolvedPath
    }
}
