/// `create` into a frozen cgroup: the container's init would stop while placing itself and
/// never report ready, and a stopped init cannot even be killed (v1) until someone thaws the
/// cgroup. runc refuses it up front ("container's cgroup unexpectedly frozen"); so do we.
/// A cgroup made below a frozen one starts frozen too (v1 and v2), so when the target does
/// not exist yet, its nearest existing ancestor decides.
enum FrozenCheck {
    static func refuseV1(_ dir: String, mountPoint: String) throws {
        let d = nearestExisting(dir, mountPoint: mountPoint)
        guard let state = try? CgroupFile.read(d, "freezer.state").trimmingWhitespace() else { return }
        if state == "FROZEN" || state == "FREEZING" {
            throw CgroupError("cgroup is frozen: \(d) (freezer.state \(state)); thaw it or use another cgroupsPath")
        }
    }

    static func refuseV2(_ dir: String, mountPoint: String) throws {
        let d = nearestExisting(dir, mountPoint: mountPoint)
        guard d != mountPoint else { return }  // the root cgroup cannot be frozen
        let requested = (try? CgroupFile.read(d, "cgroup.freeze").trimmingWhitespace()) == "1"
        let effective = (try? CgroupFile.readKeyValues(d, "cgroup.events"))?["frozen"] == 1
        if requested || effective {
            throw CgroupError(
                "cgroup is frozen: \(d) (cgroup.\(requested ? "freeze 1" : "events frozen 1")); "
                    + "thaw it or use another cgroupsPath")
        }
    }

    static func nearestExisting(_ dir: String, mountPoint: String) -> String {
        var d = dir
        while d.count > mountPoint.count && !CgroupFile.isDirectory(d) { d = parentPath(d) }
        return d
    }
}
