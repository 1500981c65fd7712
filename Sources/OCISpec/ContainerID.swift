/// Container ids name a directory in the state root, so they must not be able to
/// escape it: `[A-Za-z0-9_.-]+`, not "." or "..". (runc's `^[\w+-\.]+$` also lets
/// "+" and "," through, by accident of the character range; we do not.)
public enum ContainerID {
    public static let maxLength = 1024

    public static func validate(_ id: String) throws(ContainerIDError) {
        if id.isEmpty {
            throw ContainerIDError(id: id, reason: "must not be empty")
        }
        if id.utf8.count > maxLength {
            throw ContainerIDError(id: String(id.prefix(32)) + "…", reason: "must not be longer than \(maxLength) characters")
        }
        let allowed = id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
        if !allowed || id == "." || id == ".." {
            throw ContainerIDError(id: id, reason: "must match [A-Za-z0-9_.-]+ and not be \".\" or \"..\"")
        }
    }
}

public struct ContainerIDError: Error, CustomStringConvertible, Equatable, Sendable {
    public var id: String
    public var reason: String

    public var description: String { "container id \"\(id)\": \(reason)" }
}
