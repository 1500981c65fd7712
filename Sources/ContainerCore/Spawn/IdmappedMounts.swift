import CShim
import Glibc

/// Apply step for bind mounts the parent opens before clone(); the child attaches them:
/// idmapped mounts (a user namespace per distinct mapping, and a detached, idmapped copy of
/// each source), and, for a container in a user namespace, every other bind source too —
/// opened here with our credentials, since the container's root may not be allowed to look
/// it up (kubelet's 0750 volume directories; runc does the same).
final class IdmappedMounts {
    private var fds: [Int32] = []  // the user namespaces; the trees belong to the handles

    deinit { fds.forEach { close($0) } }

    func prepare(_ plan: LaunchPlan, into handles: LaunchHandles) throws {
        var userns: [String: Int32] = [:]
        let inUserNamespace = plan.has(CLONE_NEWUSER)
        for i in plan.mounts.indices {
            let m = plan.mounts[i]
            // The container's own cgroup directories may not exist yet (v1 ones are made
            // while stage 0 starts); world-searchable, the child binds them itself.
            if inUserNamespace, m.idmap == nil, !m.ownCgroup, let source = m.source, m.fstype == nil,
                m.flags & UInt(MS_BIND) != 0, m.flags & UInt(MS_REMOUNT) == 0
            {
                let tree = shim_detached_tree(source, m.flags & UInt(MS_REC) != 0 ? 1 : 0)
                // Not permitted (no CAP_SYS_ADMIN here: plain rootless): the child binds it.
                if tree == -EPERM { continue }
                guard tree >= 0 else { throw RuntimeError.errno("opening the bind source \(source) for \(m.dest)", -tree) }
                handles.setMountTree(tree, forMount: i)
                continue
            }
            guard let idmap = m.idmap, let source = m.source else { continue }
            let key = (idmap.uidMap ?? "") + "|" + (idmap.gidMap ?? "")
            let nsfd: Int32
            if let existing = userns[key] {
                nsfd = existing
            } else {
                nsfd = shim_userns_fd(idmap.uidMap, idmap.gidMap)
                guard nsfd >= 0 else { throw RuntimeError.errno("user namespace for the idmapped mount of \(source)", -nsfd) }
                fds.append(nsfd)
                userns[key] = nsfd
            }
            let tree = shim_idmapped_tree(source, idmap.recursive ? 1 : 0, nsfd)
            guard tree >= 0 else { throw RuntimeError.errno("idmapped mount of \(source)", -tree) }
            handles.setMountTree(tree, forMount: i)
        }
    }
}
