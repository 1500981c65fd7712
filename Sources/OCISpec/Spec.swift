#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The container configuration (`config.json`), runtime-spec config.md.
///
/// Every field is optional in Swift, even where the spec says REQUIRED, so that a
/// missing field is reported by `SpecValidator` with its JSON path instead of
/// aborting decoding. Platforms other than Linux (windows, solaris, vm, zos) are not
/// modelled: their keys are ignored on decoding.
public struct Spec: Codable, Sendable, Equatable {
    /// The runtime-spec version this runtime writes (`runtime spec`) and reports.
    public static let version = "1.2.0"

    public var ociVersion: String?
    public var process: Process?
    public var root: Root?
    public var hostname: String?
    public var domainname: String?
    public var mounts: [Mount]?
    public var hooks: Hooks?
    public var annotations: [String: String]?
    public var linux: Linux?

    public init(
        ociVersion: String? = Spec.version, process: Process? = nil, root: Root? = nil,
        hostname: String? = nil, domainname: String? = nil, mounts: [Mount]? = nil,
        hooks: Hooks? = nil, annotations: [String: String]? = nil, linux: Linux? = nil
    ) {
        self.ociVersion = ociVersion
        self.process = process
        self.root = root
        self.hostname = hostname
        self.domainname = domainname
        self.mounts = mounts
        self.hooks = hooks
        self.annotations = annotations
        self.linux = linux
    }

    /// The synthesized decoding but for `annotations` (see StringListDecoding.swift).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ociVersion = try c.decodeIfPresent(String.self, forKey: .ociVersion)
        process = try c.decodeIfPresent(Process.self, forKey: .process)
        root = try c.decodeIfPresent(Root.self, forKey: .root)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        domainname = try c.decodeIfPresent(String.self, forKey: .domainname)
        mounts = try c.decodeIfPresent([Mount].self, forKey: .mounts)
        hooks = try c.decodeIfPresent(Hooks.self, forKey: .hooks)
        annotations = try c.decodeStringMapIfPresent(forKey: .annotations)
        linux = try c.decodeIfPresent(Linux.self, forKey: .linux)
    }

    /// The first `linux.namespaces` entry of the given type ("pid", "network", …).
    public func namespace(ofType type: String) -> LinuxNamespace? {
        linux?.namespaces?.first { $0.type == type }
    }

    /// True when the config asks for a *new* namespace of this type (listed, no path).
    public func createsNamespace(_ type: String) -> Bool {
        guard let ns = namespace(ofType: type) else { return false }
        return ns.path?.isEmpty ?? true
    }
}

/// runtime-spec config.md "Root".
public struct Root: Codable, Sendable, Equatable {
    /// REQUIRED by the spec; absolute or relative to the bundle.
    public var path: String?
    public var readonly: Bool?

    public var isReadonly: Bool { readonly ?? false }

    public init(path: String? = nil, readonly: Bool? = nil) {
        self.path = path
        self.readonly = readonly
    }
}
