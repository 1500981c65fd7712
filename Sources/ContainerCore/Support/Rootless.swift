import Glibc
import OCISpec

/// Whether the runtime runs without the host's root privileges. Rootless podman and buildah
/// call it as uid 0 *inside a user namespace* they made: that is rootless too (runc's
/// `userns.RunningInUserNS`), since the host's /run, cgroups and device nodes stay out of reach.
public enum Rootless {
    /// The identity map of the initial user namespace: every uid, mapped to itself.
    static let initialUIDMap = "0 0 4294967295"

    /// True unless /proc/self/uid_map is the initial namespace's full identity map.
    public static func inUserNamespace(uidMap: String? = FileIO.readString("/proc/self/uid_map")) -> Bool {
        guard let uidMap else { return false }  // no /proc: assume the initial namespace, as runc does
        let lines = uidMap.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
        guard lines.count == 1 else { return true }
        return TextJoin.join(lines[0].split(whereSeparator: \.isWhitespace), separator: " ") != initialUIDMap
    }

    /// Whether this process runs in a user namespace: read once (a create asked three times),
    /// as nothing here ever moves the runtime itself into another one.
    public static let runsInUserNamespace = inUserNamespace()

    /// Not root, or root only inside a user namespace.
    public static var active: Bool { geteuid() != 0 || runsInUserNamespace }

    /// The default `--root`: /run/runtime for the host's root; `$XDG_RUNTIME_DIR/runtime` when
    /// rootless and that is set, as runc's `shouldHonorXDGRuntimeDir` decides (uid 0 in a user
    /// namespace with USER=root keeps /run/runtime, e.g. a container running a runtime).
    public static func defaultStateRoot(
        euid: uid_t = geteuid(), inUserNamespace: @autoclosure () -> Bool = Rootless.runsInUserNamespace,
        environment: (String) -> String? = Rootless.environment
    ) -> String {
        let xdg = environment("XDG_RUNTIME_DIR") ?? ""
        if euid == 0 {
            guard !xdg.isEmpty, inUserNamespace(), environment("USER") != "root" else { return StateStore.defaultRoot }
            return xdg + "/runtime"
        }
        return xdg.isEmpty ? "/tmp/runtime-\(euid)" : xdg + "/runtime"
    }

    public static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}
