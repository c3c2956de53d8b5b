/// The input callback libFuzzer calls with each input.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>, Int) -> Int32

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzTarget
) -> Int32

/// Runs libFuzzer's driver on the command line `argc`/`argv` with `target` as the input callback.
///
/// SwiftPM links an executable's entry point as `MODULE_main`, so libFuzzer's own `main` is not
/// linked; each fuzzer's `MODULE_main` hands control to the driver here instead.
public func runFuzzer(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ target: FuzzTarget) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, target)
}
