// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "runtime",
    products: [
        .executable(name: "runtime", targets: ["RuntimeCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // Codable model of config.json / state.json / features + validation. No syscalls.
        .target(name: "OCISpec"),
        // C that must run between clone() and execve(): plain syscalls only.
        .target(name: "CShim"),
        // The system libseccomp, found through pkg-config.
        .systemLibrary(
            name: "CSeccomp", pkgConfig: "libseccomp",
            providers: [.apt(["libseccomp-dev"])]),
        // Kernel calls Swift's Glibc module lacks (bpf, eventfd), declared from the headers.
        .target(name: "CKernel"),
        // sd-bus, loaded with dlopen only by the systemd cgroup driver (no link-time libsystemd).
        .target(name: "CSystemd"),
        // cgroup v1 / v2 / hybrid behind one interface.
        .target(name: "Cgroups", dependencies: ["OCISpec", "CKernel", "CSystemd"]),
        // Planner, lifecycle, state store: decides everything the shim executes.
        .target(name: "ContainerCore", dependencies: ["OCISpec", "CShim", "Cgroups", "CSeccomp"]),
        .executableTarget(
            name: "RuntimeCLI",
            dependencies: [
                "ContainerCore", "OCISpec", "Cgroups",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),
        // Helpers shared by the test targets (not shipped).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "OCISpecTests", dependencies: ["OCISpec"]),
        .testTarget(name: "CLITests", dependencies: ["RuntimeCLI", "TestSupport"]),
        .testTarget(name: "CgroupsTests", dependencies: ["Cgroups"]),
        .testTarget(name: "ContainerCoreTests", dependencies: ["ContainerCore", "OCISpec", "Cgroups", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["ContainerCore", "OCISpec", "Cgroups", "TestSupport"])
    ]
)
