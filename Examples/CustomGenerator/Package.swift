// swift-tools-version: 6.1
import PackageDescription

// This example lives inside the ParamShare repository and depends on it by path. A path
// dependency's package identity is the last component of its folder, so the product below is
// found in the package named after the folder the repository was cloned into ("ParamShare",
// "main", …). Your own package would write `.package(url: "https://…/ParamShare.git", from: "0.2.0")`
// and `package: "paramshare"` (a URL dependency's identity is the repository's name, lowercased),
// or `.package(path: "../ParamShare")` and `package: "ParamShare"`.
let paramShareRoot = "../.."
let paramShare = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "ParamShare"

let package = Package(
    name: "CustomGenerator",
    products: [
        // Not `sweep`: ParamShare's own executable has that name, and two products of one name
        // write the same binary.
        .executable(name: "custom-sweep", targets: ["CustomSweep"]),
    ],
    dependencies: [
        .package(path: paramShareRoot),
    ],
    targets: [
        // The generator: a library, so that tests and the sweep executable share it.
        .target(
            name: "MultiHash",
            dependencies: [
                .product(name: "ParamShare", package: paramShare),
                .product(name: "ParamShareEngine", package: paramShare),
            ]
        ),
        // `swift run custom-sweep`: ParamShare's whole command line, with multi-hash registered.
        // Target names are unique across the package graph, so it is not called `sweep` either.
        .executableTarget(
            name: "CustomSweep",
            dependencies: ["MultiHash", .product(name: "ParamShareCLI", package: paramShare)]
        ),
        .testTarget(
            name: "MultiHashTests",
            dependencies: ["MultiHash", .product(name: "ParamShareTesting", package: paramShare)]
        ),
    ],
    swiftLanguageModes: [.v6]
)
