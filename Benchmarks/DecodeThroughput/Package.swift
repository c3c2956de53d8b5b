// swift-tools-version: 6.1
import PackageDescription

// The input pipeline of a streamed image folder, alone: its own package, so CI never builds it.
// Depends on ParamShare by path; a path dependency's identity is its folder's last component.
let paramShare = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "ParamShare"

let package = Package(
    name: "DecodeThroughput",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "decode-throughput",
            dependencies: [
                .product(name: "ParamShare", package: paramShare),
                .product(name: "ParamShareEngine", package: paramShare),
            ],
            path: "Sources/DecodeThroughput"
        ),
    ],
    swiftLanguageModes: [.v6]
)
