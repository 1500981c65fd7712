/// Undo steps of a half-done create, run newest first unless the create succeeds.
final class Rollback {
    private var steps: [() -> Void] = []
    private var armed = true

    func add(_ step: @escaping () -> Void) { steps.append(step) }
    func disarm() { armed = false }

    /// Undo at once (not at the end of the scope), e.g. before the poststop hooks run.
    func runNow() {
        guard armed else { return }
        armed = false
        for step in steps.reversed() { step() }
    }

    deinit {
        guard armed else { return }
        for step in steps.reversed() { step() }
    }
}
