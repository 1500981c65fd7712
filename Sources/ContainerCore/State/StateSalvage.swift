import Cgroups
import OCISpec
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What can still be learned about a container whose state is damaged or gone, for
/// `delete --force` and `list`. Every field is read on its own, so one bad value does not hide
/// the others; nothing here is used to *run* anything, only to find what to kill and remove.
struct StateSalvage {
    /// state.json parsed as JSON (its fields may still be missing or wrong).
    var stateReadable = false
    var pid: Int32?
    var startTime: UInt64?
    var bundle: String?
    var cgroup: CgroupHandle?
    /// The config's cgroupsPath, when the stored config still decodes.
    var cgroupsPath: String?

    private struct LenientState: Decodable {
        var pid: Int32?
        var startTime: UInt64?
        var bundle: String?
        var cgroup: CgroupHandle?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: ContainerRecord.CodingKeys.self)
            pid = try? c.decodeIfPresent(Int32.self, forKey: .pid)
            startTime = try? c.decodeIfPresent(UInt64.self, forKey: .startTime)
            bundle = try? c.decodeIfPresent(String.self, forKey: .bundle)
            // Either format; an unknown format marker is read as the current one.
            let format = (try? ContainerRecord.format(c)) ?? ContainerRecord.currentFormat
            cgroup = try? StoredCgroup.decode(from: c, format: format)
        }
    }

    init(store: StateStore, id: String) {
        if let bytes = FileIO.readRegular(store.statePath(id)),
            let state = try? JSONDecoder().decode(LenientState.self, from: Data(bytes))
        {
            stateReadable = true
            pid = state.pid
            startTime = state.startTime
            bundle = state.bundle
            cgroup = state.cgroup
        }
        if let bytes = FileIO.readRegular(store.configPath(id)), let spec = try? SpecLoader.decode(Data(bytes), file: "config.json") {
            cgroupsPath = spec.linux?.cgroupsPath
        }
    }

    /// The container's cgroup: as state.json recorded it, else derived the way `create`
    /// derives it (the config's cgroupsPath, or the id). A readable state.json without a
    /// cgroup means there was none (rootless without delegation): nothing is derived then.
    /// A derived handle owns only the container's own directories, never their parents.
    func cgroupHandle(id: String) -> CgroupHandle? {
        if let cgroup { return cgroup }
        if stateReadable && pid != nil { return nil }
        guard let layout = try? CgroupLayout.detect(),
            var handle = try? Cgroups.manager(cgroupsPath: cgroupsPath, containerID: id, layout: layout).handle
        else { return nil }
        handle.created = handle.directories.filter { FileIO.isDirectory($0) }
        return handle.created.isEmpty ? nil : handle
    }

    /// The recorded init, if it still is the process that was recorded.
    var liveInit: Int32? {
        guard let pid, pid > 0, let startTime, ProcStat.isRunning(pid: pid, startTime: startTime) else { return nil }
        return pid
    }
}
