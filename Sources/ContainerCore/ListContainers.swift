extension ContainerRuntime {
    public func state(id: String) throws -> OCIStateOutput {
        try store.load(id).ociState(in: store)
    }

    /// Every container with a readable state (a create in progress shows as "creating").
    public func list() -> [OCIStateOutput] {
        store.ids().compactMap { try? state(id: $0) }
    }
}
