import Glibc

/// Signal names as `kill` accepts them: "TERM", "SIGTERM", "15", "SIGRTMIN+3".
public enum Signals {
    static let names: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "ILL": SIGILL, "TRAP": SIGTRAP, "ABRT": SIGABRT,
        "IOT": SIGIOT, "BUS": SIGBUS, "FPE": SIGFPE, "KILL": SIGKILL, "USR1": SIGUSR1, "SEGV": SIGSEGV,
        "USR2": SIGUSR2, "PIPE": SIGPIPE, "ALRM": SIGALRM, "TERM": SIGTERM, "STKFLT": SIGSTKFLT,
        "CHLD": SIGCHLD, "CONT": SIGCONT, "STOP": SIGSTOP, "TSTP": SIGTSTP, "TTIN": SIGTTIN,
        "TTOU": SIGTTOU, "URG": SIGURG, "XCPU": SIGXCPU, "XFSZ": SIGXFSZ, "VTALRM": SIGVTALRM,
        "PROF": SIGPROF, "WINCH": SIGWINCH, "IO": SIGIO, "POLL": SIGPOLL, "PWR": SIGPWR, "SYS": SIGSYS,
    ]

    public static func parse(_ text: String) throws -> Int32 {
        if let n = Int32(text) {
            guard n > 0 && n <= 64 else { throw RuntimeError("invalid signal \"\(text)\"") }
            return n
        }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if let n = names[name] { return n }
        for (base, value) in [("RTMIN", Int32(34)), ("RTMAX", Int32(64))] where name.hasPrefix(base) {
            let rest = name.dropFirst(base.count)
            if rest.isEmpty { return value }
            if let off = Int32(rest), value + off >= 34, value + off <= 64 { return value + off }
        }
        throw RuntimeError("unknown signal \"\(text)\"")
    }
}
