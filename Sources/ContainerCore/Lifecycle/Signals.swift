import Glibc

/// Signal names as `kill` accepts them: "TERM", "SIGTERM", "15", "SIGRTMIN+3".
public enum Signals {
    static let names: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "ILL": SIGILL, "TRAP": SIGTRAP, "ABRT": SIGABRT,
        "IOT": SIGIOT, "BUS": SIGBUS, "FPE": SIGFPE, "KILL": SIGKILL, "USR1": SIGUSR1, "SEGV": SIGSEGV,
        "USR2": SIGUSR2, "PIPE": SIGPIPE, "ALRM": SIGALRM, "TERM": SIGTERM, "STKFLT": SIGSTKFLT,
        "CHLD": SIGCHLD, "CONT": SIGCONT, "STOP": SIGSTOP, "TSTP": SIGTSTP, "TTIN": SIGTTIN,
        "TTOU": SIGTTOU, "URG": SIGURG, "XCPU": SIGXCPU, "XFSZ": SIGXFSZ, "VTALRM": SIGVTALRM,
        "PROF": SIGPROF, "WINCH": SIGWINCH, "IO": SIGIO, "POLL": SIGPOLL, "PWR": SIGPWR, "SYS": SIGSYS
    ]

    static let rtmin = 34, rtmax = 64

    /// 0 is no signal: `kill <id> 0` only checks the process exists (runc passes it to
    /// kill(2)). Numbers and offsets are parsed without overflow: no argument can trap.
    public static func parse(_ text: String) throws -> Int32 {
        if let first = text.unicodeScalars.first, ("0"..."9").contains(first) {
            guard let n = number(text), n <= rtmax else { throw RuntimeError("invalid signal \"\(text)\"") }
            return Int32(n)
        }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if let n = names[name] { return n }
        for (base, value) in [("RTMIN", rtmin), ("RTMAX", rtmax)] where name.hasPrefix(base) {
            let rest = name.dropFirst(base.count)
            if rest.isEmpty { return Int32(value) }
            guard let sign = rest.first, sign == "+" || sign == "-", let off = number(rest.dropFirst()) else { break }
            let n = sign == "+" ? value + off : value - off
            if n >= rtmin && n <= rtmax { return Int32(n) }
        }
        throw RuntimeError("unknown signal \"\(text)\"")
    }

    /// Decimal digits only, at most 3 (every signal number fits), else nil.
    private static func number<S: StringProtocol>(_ text: S) -> Int? {
        guard !text.isEmpty, text.count <= 3, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
