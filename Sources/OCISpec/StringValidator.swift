/// Every string of the config may reach C (execve's argv and envp, paths, mount data,
/// sysctl writes, hook arguments), where a NUL byte would silently cut it: refused here,
/// for every field at once, so a field added to the model is covered without a new rule.
extension Validation {
    mutating func checkStrings(_ value: Any, at path: JSONPath) {
        if let string = value as? String {
            if string.utf8.contains(0) { report(path, "must not contain a NUL byte") }
            return
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first { checkStrings(wrapped.value, at: path) }
        case .collection:
            for (i, child) in mirror.children.enumerated() { checkStrings(child.value, at: path.index(i)) }
        case .dictionary:
            // Children are (key, value) pairs; sorted so reports come in a stable order.
            let pairs = mirror.children.compactMap { child -> (String, Any)? in
                let pair = Array(Mirror(reflecting: child.value).children)
                guard pair.count == 2, let key = pair[0].value as? String else { return nil }
                return (key, pair[1].value)
            }
            for (key, member) in pairs.sorted(by: { $0.0 < $1.0 }) {
                if key.utf8.contains(0) { report(path.key(key), "key must not contain a NUL byte") }
                checkStrings(member, at: path.key(key))
            }
        case .struct, .class:
            for child in mirror.children {
                guard let label = child.label else { continue }
                checkStrings(child.value, at: path.key(label))
            }
        default:
            break   // numbers and booleans
        }
    }
}
