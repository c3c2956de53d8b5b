// swift-tools-version: 6.1
import PackageDescription

/// A notebook as a script: an executable of `Notebooks-as-scripts/NAME`, on the library and the
/// notebooks' helpers (and the engine, where it builds networks itself).
func notebook(_ name: String, engine: Bool = false) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["ParamShare", "NotebookSupport"] + (engine ? ["ParamShareEngine"] : []),
        path: "Notebooks-as-scripts/\(name)"
    )
}

/// A C library from the system, through the module map and shim header in `Sources/NAME`, and
/// the Debian packages that provide it.
func systemLibrary(_ name: String, apt packages: [String]) -> Target {
    .systemLibrary(name: name, providers: [.apt(packages)])
}

let package = Package(
    name: "ParamShare",
    products: [
        .library(name: "ParamShareEngine", targets: ["ParamShareEngine"]),
        .library(name: "ParamShare", targets: ["ParamShare"]),
        // The whole `sweep` command line, for a package's own executable with its own generators.
        .library(name: "ParamShareCLI", targets: ["ParamShareCLI"]),
        // Checks for generator authors: the finite-difference VJP check, sample layers, a training smoke test.
        .library(name: "ParamShareTesting", targets: ["ParamShareTesting"]),
        .executable(name: "sweep", targets: ["sweep"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        // `swift package generate-documentation`: the DocC catalogs of ParamShare and ParamShareEngine.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // GSL and OpenBLAS's CBLAS, exposed through one shim header. The module map links
        // OpenBLAS directly so that its cblas_* symbols win over libgslcblas's.
        systemLibrary("CNumerics", apt: ["libgsl-dev", "libopenblas-dev"]),
        // oneDNN, the convolutions of the channels-last networks (the CIFAR ResNets).
        systemLibrary("CDNNL", apt: ["libdnnl-dev"]),
        // zlib, to read gzipped data files (MNIST's official .gz files) as they are.
        systemLibrary("CZlib", apt: ["zlib1g-dev"]),
        // libjpeg-turbo and libpng, to read image folders (JPEG and PNG files of any size).
        systemLibrary("CJPEG", apt: ["libjpeg62-turbo-dev"]),
        systemLibrary("CPNG", apt: ["libpng-dev"]),
        // The engine's element loops that need more than the x86-64 baseline's SSE to keep up
        // with memory, each compiled also for AVX2 and chosen when the program loads.
        .target(name: "CEngineKernels"),
        .target(
            name: "ParamShareEngine",
            dependencies: [
                "CEngineKernels",
                "CNumerics",
                "CDNNL",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        .target(
            name: "ParamShare",
            dependencies: ["ParamShareEngine", "CNumerics", "CZlib", "CJPEG", "CPNG"],
            // The UCI optical digits test set (CC BY 4.0): the default data set, so the main
            // job runs with no download.
            resources: [.copy("Resources/digits.csv.gz")]
        ),
        // What every command line of the package checks in what a user types: the checked path
        // type and the refusal of a repeated flag, for `sweep` and the notebooks alike.
        .target(
            name: "ParamShareArguments",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(
            name: "ParamShareCLI",
            dependencies: [
                "ParamShare",
                "ParamShareArguments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sweep",
            dependencies: ["ParamShareCLI"]
        ),
        .target(
            name: "ParamShareTesting",
            dependencies: ["ParamShare", "ParamShareEngine"]
        ),
        // Notebooks as scripts: runnable, narrated studies that write into results/.
        .target(
            name: "NotebookSupport",
            dependencies: ["ParamShare", "ParamShareEngine", "ParamShareArguments",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Notebooks-as-scripts/NotebookSupport"
        ),
        notebook("GeneratorsAtEqualDoF", engine: true),
        notebook("LogLinearDoF"),
        notebook("SharingAtEqualDoF"),
        notebook("OneLayerDoF"),
        notebook("DestructiveSharing"),
        notebook("RingScope"),
        notebook("CompressionAfterTraining"),
        notebook("Convergence"),
        notebook("SharingAwareSteps"),
        notebook("DefaultsFromSelection", engine: true),
        notebook("PaperRegime", engine: true),
        .target(
            name: "TestSupport",
            dependencies: ["ParamShareEngine", "ParamShare", "ParamShareTesting"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "ParamShareEngineTests",
            dependencies: ["ParamShareEngine", "TestSupport", "CNumerics"]
        ),
        .testTarget(
            name: "ParamShareTests",
            dependencies: ["ParamShare", "TestSupport", "CZlib", "CPNG", "CJPEG"]
        ),
        // Runs the real `sweep` executable.
        .testTarget(
            name: "SweepCommandTests",
            dependencies: ["sweep", "ParamShare", "ParamShareEngine", "ParamShareCLI", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // The notebooks' helpers: paired seeds, rankings with ties, per-epoch curves.
        .testTarget(
            name: "NotebookSupportTests",
            dependencies: ["NotebookSupport", "ParamShare", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Proves the plug-in path: a generator written against the public API only.
        .testTarget(
            name: "GeneratorPluginTests",
            dependencies: ["ParamShare", "ParamShareEngine", "ParamShareTesting"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
