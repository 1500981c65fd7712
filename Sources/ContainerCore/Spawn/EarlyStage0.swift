import CShim
import Glibc

/// Stage 0 started before the config is decoded: its exec and C start-up (~0.4 ms) run on
/// another CPU while this process decodes, validates and plans; the plan follows over the
/// socket (`Spawner.start(early:)`). Refused configs kill it again: nothing is left behind.
final class EarlyStage0 {
    fileprivate var raw = shim_early()

    /// Nil when it cannot be started now; the spawn then starts stage 0 itself, as always.
    init?() {
        guard shim_spawn_early(&raw) == 0 else { return nil }
    }

    deinit { shim_spawn_cancel(&raw) }

    /// Names the new namespaces the plan will hold (`Planner.earlyCloneFlags`): stage 0
    /// makes them while we plan (a network namespace takes ~1 ms). A hint: if it is lost,
    /// the clone makes them as always.
    func announce(cloneFlags: Int32) {
        guard cloneFlags != 0 else { return }
        _ = shim_spawn_prepare(&raw, UInt(UInt32(bitPattern: cloneFlags)))
    }

    /// Sends the plan; afterwards stage 0 is the spawner's. Nil if it could not be sent
    /// (this one is then cancelled; the spawner starts a fresh stage 0).
    func send(_ plan: inout shim_plan) -> (stage0: Int32, syncFD: Int32)? {
        guard shim_spawn_send(&raw, &plan) == 0 else {
            shim_spawn_cancel(&raw)
            return nil
        }
        let handed = (raw.pid, raw.sync_fd)
        raw.pid = 0
        raw.sync_fd = -1
        return handed
    }
}
