import CShim
import Glibc

/// Apply step for idmapped bind mounts: a user namespace per distinct mapping, and a
/// detached, idmapped copy of each source, made before clone(); the child attaches them.
final class IdmappedMounts {
    private var fds: [Int32] = []

    deinit { fds.forEach { close($0) } }

    func prepare(_ plan: inout LaunchPlan) throws {
        var userns: [String: Int32] = [:]
        for i in plan.mounts.indices {
            guard let idmap = plan.mounts[i].idmap, let source = plan.mounts[i].source else { continue }
            let key = (idmap.uidMap ?? "") + "|" + (idmap.gidMap ?? "")
            let nsfd: Int32
            if let existing = userns[key] { nsfd = existing } else {
                nsfd = shim_userns_fd(idmap.uidMap, idmap.gidMap)
                guard nsfd >= 0 else { throw RuntimeError.errno("user namespace for the idmapped mount of \(source)", -nsfd) }
                fds.append(nsfd)
                userns[key] = nsfd
            }
            let tree = shim_idmapped_tree(source, idmap.recursive ? 1 : 0, nsfd)
            guard tree >= 0 else { throw RuntimeError.errno("idmapped mount of \(source)", -tree) }
            fds.append(tree)
            plan.mounts[i].treeFD = tree
        }
    }
}
