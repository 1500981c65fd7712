import OCISpec

/// The seccomp cache's key text for a profile: every field of the profile in a fixed order,
/// each value self-delimiting (strings length-prefixed, optionals and arrays marked), so two
/// profiles have the same text only when they are equal. Written directly: encoding the
/// profile with JSONEncoder took ~0.3 ms for podman's profile, on every create.
/// SeccompKeyTests checks that every stored property of the profile types is covered.
struct SeccompKey {
    private(set) var bytes: [UInt8] = []

    init(_ profile: LinuxSeccomp) {
        bytes.reserveCapacity(16 * 1024)
        string(profile.defaultAction)
        number(profile.defaultErrnoRet)
        strings(profile.architectures)
        strings(profile.flags)
        string(profile.listenerPath)
        string(profile.listenerMetadata)
        list(profile.syscalls) { key, rule in
            key.strings(rule.names)
            key.string(rule.action)
            key.number(rule.errnoRet)
            key.list(rule.args) { key, arg in
                key.number(arg.index)
                key.number(arg.value)
                key.number(arg.valueTwo)
                key.string(arg.op)
            }
        }
    }

    private mutating func mark(_ c: Character) { bytes.append(c.asciiValue ?? 0) }

    private mutating func string(_ s: String?) {
        guard let s else { return mark("-") }
        mark("s")
        bytes += String(s.utf8.count).utf8
        mark(":")
        bytes += s.utf8
    }

    private mutating func number(_ n: (some FixedWidthInteger)?) {
        guard let n else { return mark("-") }
        mark("n")
        bytes += String(n).utf8
        mark(";")
    }

    private mutating func strings(_ a: [String]?) { list(a) { $0.string($1) } }

    private mutating func list<T>(_ a: [T]?, _ each: (inout SeccompKey, T) -> Void) {
        guard let a else { return mark("-") }
        mark("a")
        bytes += String(a.count).utf8
        mark(":")
        for x in a { each(&self, x) }
    }
}
