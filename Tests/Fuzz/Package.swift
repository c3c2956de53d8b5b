// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for ParamShare's parsers of untrusted input. Not part of the main package,
// so that neither `swift build` nor CI builds them: each needs `-sanitize=fuzzer`, which
// supplies `main`. Build and run them with `./run-fuzzers.sh` (see README.md beside this file).
//
// The path dependency's identity is the name of the folder the repository was cloned into.
let paramShare = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "ParamShare"

let package = Package(
    name: "ParamShareFuzz",
    dependencies: [.package(path: "../..")],
    targets: [.target(name: "FuzzDriver")] + ["FuzzIDXRaw", "FuzzIDXGzip", "FuzzCIFAR", "FuzzCSV", "FuzzFlags", "FuzzSafetensors"].map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "FuzzDriver",
                .product(name: "ParamShare", package: paramShare),
                .product(name: "ParamShareCLI", package: paramShare),
            ],
            // gold stops with an internal error on these binaries; lld links them.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        )
    },
    swiftLanguageModes: [.v6]
)
