import CShim
import Glibc

/// Foreground `run` of a `terminal: true` container without --console-socket: like runc,
/// we take the pty master ourselves and relay between our terminal and the container.
nonisolated(unsafe) private var windowChanged = false

final class TerminalRelay {
    private let ours: Int32  // our end of the socketpair the child sends the master over
    let theirs: Int32  // handed to create() as the console socket
    private var master: Int32 = -1
    /// The terminal we put in raw mode and take the window size from: as runc, the first of
    /// stderr, stdout and stdin that is one, else our controlling terminal (/dev/tty). The
    /// relay itself always reads stdin and writes stdout, redirected or not.
    private let host: Int32
    private let ownsHost: Bool
    private var saved = termios()
    private var raw = false

    init() throws {
        if let fd = [Int32(2), 1, 0].first(where: { isatty($0) != 0 }) {
            (host, ownsHost) = (fd, false)
        } else {
            let tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
            // No terminal at all: runc fails too ("open /dev/tty: no such device or address").
            guard tty >= 0 else {
                throw RuntimeError(
                    "process.terminal is true, but no --console-socket was given and there is no terminal (stdio, /dev/tty) to relay")
            }
            (host, ownsHost) = (tty, true)
        }
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw RuntimeError.errno("socketpair for the terminal")
        }
        ours = fds[0]
        theirs = fds[1]
    }

    deinit {
        if raw { tcsetattr(host, TCSANOW, &saved) }
        if ownsHost { close(host) }
        close(ours); close(theirs)
        if master >= 0 { close(master) }
    }

    /// Receive the master (sent by the child once its pty exists), copy our window size to it
    /// and put our own terminal in raw mode.
    func attach() throws {
        master = shim_recv_fd(ours)
        guard master >= 0 else { throw RuntimeError.errno("receiving the pty master", -master) }
        copyWindowSize()
        tcgetattr(host, &saved)
        var t = saved
        cfmakeraw(&t)
        raw = tcsetattr(host, TCSANOW, &t) == 0
    }

    func copyWindowSize() {
        var ws = winsize()
        if ioctl(host, UInt(TIOCGWINSZ), &ws) == 0 { _ = ioctl(master, UInt(TIOCSWINSZ), &ws) }
    }

    /// Copy stdin → master and master → stdout until the container's init exits.
    func relay(until pid: Int32) {
        let pidfd = shim_pidfd_open(pid)
        defer { if pidfd >= 0 { close(pidfd) } }
        var fds = [
            pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
            pollfd(fd: master, events: Int16(POLLIN), revents: 0),
            pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        ]
        var buf = [UInt8](repeating: 0, count: 16384)
        var stdinOpen = true
        signal(SIGWINCH) { _ in windowChanged = true }
        while true {
            if windowChanged { windowChanged = false; copyWindowSize() }
            fds[0].fd = stdinOpen ? 0 : -1
            if poll(&fds, 3, -1) < 0 { if errno == EINTR { continue }; return }
            if fds[1].revents != 0 {
                let n = buf.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n <= 0 { return }  // EIO: every slave fd is closed
                _ = buf.withUnsafeBytes { write(1, $0.baseAddress, n) }
            }
            if stdinOpen && fds[0].revents != 0 {
                let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n <= 0 { stdinOpen = false } else { _ = buf.withUnsafeBytes { write(master, $0.baseAddress, n) } }
            }
            if fds[2].revents != 0 && fds[1].revents == 0 { return }
        }
    }
}
