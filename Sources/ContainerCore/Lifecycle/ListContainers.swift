import Glibc

extension ContainerRuntime {
    public func state(id: String) throws -> OCIStateOutput {
        try store.load(id).ociState(in: store)
    }

    /// Every container directory. A create in progress shows as "creating"; one whose state
    /// cannot be read shows as "broken" (`delete --force` removes it) rather than being hidden.
    public func list() -> [OCIStateOutput] {
        store.ids().map { id in
            do { return try state(id: id) } catch {
                let salvage = StateSalvage(store: store, id: id)
                let status = store.isLockedByOther(id) ? ContainerStatus.creating.rawValue : Self.brokenStatus
                return OCIStateOutput(
                    ociVersion: "", id: id, pid: 0, status: status, bundle: salvage.bundle ?? "",
                    rootfs: "", created: "", owner: "", annotations: nil)
            }
        }
    }

    /// Not an OCI status: `list` only, for a container whose state is damaged.
    public static let brokenStatus = "broken"
}
