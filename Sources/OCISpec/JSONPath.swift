/// A location in a JSON document, printed as `linux.namespaces[2].type`; keys that are
/// not identifiers print as `linux.sysctl["net.ipv4.ip_forward"]`.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public private(set) var description: String

    public init(_ description: String = "") {
        self.description = description
    }

    public func key(_ name: String) -> JSONPath {
        if Self.isIdentifier(name) {
            return JSONPath(description.isEmpty ? name : description + "." + name)
        }
        var quoted = ""
        for character in name {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted.append(character)
            }
        }
        return JSONPath(description + "[\"" + quoted + "\"]")
    }

    public func index(_ index: Int) -> JSONPath {
        JSONPath(description + "[\(index)]")
    }

    /// A Codable coding path. Array positions are the keys whose string value is
    /// "Index N" (JSONDecoder's spelling); dictionary keys that look like numbers stay keys.
    public init(codingPath: [any CodingKey]) {
        var path = JSONPath()
        for key in codingPath {
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                path = path.index(index)
            } else {
                path = path.key(key.stringValue)
            }
        }
        self = path
    }

    static func isIdentifier(_ name: String) -> Bool {
        func isLetter(_ c: Unicode.Scalar) -> Bool { c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
        guard let first = name.unicodeScalars.first, isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }
}
