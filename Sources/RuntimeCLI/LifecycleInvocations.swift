import ArgumentParser
import ContainerCore

// `create`, `run`, `start`, `state`, `kill` and `delete` as plain values (no property wrappers), like
// ExecInvocation: the fast path fills them in without building ArgumentParser's wrappers,
// whose storage, closures and value witnesses are pages of the binary that every `state`
// poll touched for nothing. The commands ArgumentParser parses (help, usage errors) hand
// over the same values. Final classes, not structs: a struct in an existential is destroyed
// through its value witness, which the compiler emits without a symbol, so the layout
// (scripts/hot-symbols.txt) cannot place it; a class is released by the runtime.

final class StartInvocation: ParsableCommand {
    var id = ""
    init() {}
    init(id: String) { self.id = id }
    func run() throws {
        Log.debug("start \(id): starting the user process")
        try GlobalOptions.current.runtime.start(id: id)
        Log.debug("start \(id): started")
    }
}

final class StateInvocation: ParsableCommand {
    var id = ""
    init() {}
    init(id: String) { self.id = id }
    func run() throws {
        let state = try GlobalOptions.current.runtime.state(id: id)
        FileOut.stdout(try JSONText.state(state) + "\n")
    }
}

final class KillInvocation: ParsableCommand {
    var id = ""
    var signal = Kill.defaultSignal
    var all = false
    init() {}
    init(id: String, signal: String, all: Bool) { (self.id, self.signal, self.all) = (id, signal, all) }
    func run() throws {
        let number = try Signals.parse(signal)
        Log.debug("kill \(id): signal \(number)\(all ? " to every process" : "")")
        try GlobalOptions.current.runtime.kill(id: id, signal: number, all: all)
    }
}

final class DeleteInvocation: ParsableCommand {
    var id = ""
    var force = false
    init() {}
    init(id: String, force: Bool) { (self.id, self.force) = (id, force) }
    func run() throws {
        Log.debug("delete \(id)\(force ? ": forced" : "")")
        try GlobalOptions.current.runtime.delete(id: id, force: force)
        Log.debug("delete \(id): deleted")
    }
}

final class CreateInvocation: ParsableCommand {
    var options = BundleValues()
    var id = ""
    var bundle: String?
    init() {}
    init(_ options: BundleValues, id: String, bundle: String?) { (self.options, self.id, self.bundle) = (options, id, bundle) }
    func run() throws {
        let request = options.request(id: id, positionalBundle: bundle)
        Log.debug("create \(id): bundle \(request.bundle)")
        let container = try GlobalOptions.current.runtime.create(request)
        Log.debug("create \(id): created, init pid \(container.record.pid)")
    }
}

final class RunInvocation: ParsableCommand {
    var options = BundleValues()
    var id = ""
    var bundle: String?
    var detach = false
    var keep = false
    init() {}
    init(_ options: BundleValues, id: String, bundle: String?, detach: Bool, keep: Bool) {
        (self.options, self.id, self.bundle, self.detach, self.keep) = (options, id, bundle, detach, keep)
    }
    func run() throws {
        let request = options.request(id: id, positionalBundle: bundle)
        Log.debug("run \(id): bundle \(request.bundle)\(detach ? ", detached" : "")\(keep ? ", kept after exit" : "")")
        let code = try GlobalOptions.current.runtime.run(request, detach: detach, keep: keep)
        Log.debug("run \(id): \(detach ? "running" : "exited with \(code)")")
        throw ExitCode(code)
    }
}
