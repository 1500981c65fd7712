import Glibc
import Testing
@testable import ContainerCore

/// `kill` signal names: "TERM", "SIGTERM", "15", "SIGRTMIN+3" (runc's parseSignal).
@Suite struct SignalsTests {
    @Test func names() throws {
        #expect(try Signals.parse("TERM") == SIGTERM)
        #expect(try Signals.parse("KILL") == SIGKILL)
        #expect(try Signals.parse("HUP") == SIGHUP)
        #expect(try Signals.parse("USR1") == SIGUSR1)
        #expect(try Signals.parse("WINCH") == SIGWINCH)
    }

    @Test func sigPrefixAndCase() throws {
        #expect(try Signals.parse("SIGTERM") == SIGTERM)
        #expect(try Signals.parse("SIGKILL") == SIGKILL)
        #expect(try Signals.parse("sigint") == SIGINT)
        #expect(try Signals.parse("term") == SIGTERM)
    }

    @Test func numbers() throws {
        #expect(try Signals.parse("9") == 9)
        #expect(try Signals.parse("15") == 15)
        #expect(try Signals.parse("64") == 64)
        #expect(try Signals.parse("0") == 0)  // kill <id> 0: the liveness probe (issue 13 #9)
    }

    @Test func realtimeSignals() throws {
        #expect(try Signals.parse("RTMIN") == 34)
        #expect(try Signals.parse("SIGRTMIN") == 34)
        #expect(try Signals.parse("RTMIN+3") == 37)
        #expect(try Signals.parse("SIGRTMIN+30") == 64)
        #expect(try Signals.parse("RTMAX") == 64)
        #expect(try Signals.parse("SIGRTMAX-2") == 62)
        #expect(try Signals.parse("RTMAX-30") == 34)
    }

    @Test(arguments: [
        "", "FOO", "SIG", "SIGFOO", "65", "-9", "9x", "RTMIN+31", "RTMIN-1", "RTMAX+1", "RTMIN+x",
        // issue 10 §5: these trapped (Int32 overflow) instead of failing
        "RTMIN+2147483647", "RTMAX-2147483648", "SIGRTMIN+9223372036854775807", "99999999999999999999",
        "RTMIN3", "RTMIN++3", "+9", "٣"
    ])
    func invalid(_ text: String) {
        let error = #expect(throws: RuntimeError.self) { try Signals.parse(text) }
        #expect(error?.description.contains("\"\(text)\"") == true)
    }
}
