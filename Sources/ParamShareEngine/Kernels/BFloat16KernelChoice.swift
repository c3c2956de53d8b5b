import Foundation

/// Whether bf16 operands multiply on oneDNN's bf16 kernels or are rounded for its `Float`
/// kernels (the emulation) on this CPU: the bf16 kernels, unless oneDNN has none or they are
/// clearly slower here than its `Float` ones.
///
/// oneDNN's bf16 kernels multiply with `vdpbf16ps`, two products per lane per instruction. On
/// the AMD EPYC of issue #30 its bf16 convolutions ran at 2–2.7 times the speed of its `Float`
/// ones. On an Intel Xeon of family 6, model 207 (Emerald Rapids, AMX not exposed), one core
/// retired 1.3 billion `vdpbf16ps` a second against 5.2 billion `vfmadd231ps` (zmm, 24
/// independent sums each): half the arithmetic rate of `Float`. There bf16 ResNet-20 inference
/// ran at 1,557–1,769 images a second on the bf16 kernels, 2,217–2,517 in the emulation and
/// 2,253–3,204 in fp32, so taking the bf16 kernels wherever oneDNN has them made `--precision
/// bf16` slower than it needs to be.
///
/// No CPU feature tells the two apart, so the choice is measured once per process, on the first
/// layer with bf16 operands: one forward pass of a 3×3 convolution (16 images of 16×16, 32
/// channels in and out) with bf16 and with `Float` operands, alternately, thirty times each after
/// five of each unmeasured, on the calling thread; the fastest of each compared (about 40 ms in
/// all). Each pass is shorter than the scheduler's time slice (0.4 and 0.8 ms on that Xeon), so
/// that on a busy machine some run uninterrupted; with 8 images and fifteen passes the ratio
/// ranged over 0.52–0.66 from process to process there, with these 0.52–0.53 in twelve processes,
/// quiet or with both cores busy. The bf16
/// kernels run unless their speed is under ``threshold`` of the `Float` kernels'. The two paths
/// multiply the same rounded operands and differ only in the order of the sums, so a bf16 run's
/// bits depend on this choice: a run records which kernels ran (`conv_kernels`), the threshold
/// sits a factor of 1.5 or more from the ratios measured on both CPUs, and the choice is
/// printed, with its ratio, once per process.
package enum BFloat16KernelChoice {
    /// The ratio of the bf16 kernels' speed to the `Float` kernels' under which the emulation runs.
    package static let threshold = 0.8

    /// The bf16 kernels' speed as a multiple of the `Float` kernels' on the probe, `nil` where
    /// oneDNN has no bf16 convolution for this CPU; measured on first use.
    package static let speedRatio: Double? = measureSpeedRatio()

    /// Whether layers with bf16 operands run on oneDNN's bf16 kernels (where a layer's shape has
    /// them); the first use measures and prints the choice.
    package static let usesBFloat16Kernels: Bool = {
        let uses = speedRatio.map { $0 >= threshold } ?? false
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        return uses
    }()

    /// One line naming the choice and why, for benchmarks and logs.
    package static var summary: String {
        guard let ratio = speedRatio else {
            return "bf16 operands are rounded and multiplied by oneDNN's Float kernels: it has no bf16 convolution for this CPU"
        }
        let measured = "oneDNN's bf16 convolution ran at \(String(format: "%.2f", ratio)) times the speed of its Float one "
            + "on this CPU (measured once per process)"
        return ratio >= threshold ? "bf16 operands run on oneDNN's bf16 kernels: \(measured)"
            : "bf16 operands are rounded and multiplied by oneDNN's Float kernels: \(measured)"
    }

    private static func measureSpeedRatio() -> Double? {
        let shape = ConvolutionShape(items: 16, inChannels: 32, height: 16, width: 16, outChannels: 32, outputHeight: 16,
                                     outputWidth: 16, kernelSize: 3, stride: 1, padding: 1)
        let bfloat16 = OneDNNConvolution(shape: shape, threads: 1, precision: .bfloat16, announces: false)
        guard bfloat16.operands == .bfloat16 else { return nil }
        let float32 = OneDNNConvolution(shape: shape, threads: 1, precision: .float32, announces: false)
        let kernel = [Float](repeating: 0.03125, count: shape.weightCount)
        // Images of 0.5, as Float and as bfloat16 bits (exact in both); the output in Float.
        let images = UnsafeMutablePointer<Float>.allocate(capacity: shape.inputCount)
        let imageBits = UnsafeMutablePointer<UInt16>.allocate(capacity: shape.inputCount)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: shape.outputCount)
        defer { images.deallocate(); imageBits.deallocate(); output.deallocate() }
        images.initialize(repeating: 0.5, count: shape.inputCount)
        imageBits.initialize(repeating: 0x3F00, count: shape.inputCount)
        kernel.withUnsafeBufferPointer { bfloat16.loadWeights($0.baseAddress!); float32.loadWeights($0.baseAddress!) }
        func seconds(_ run: () -> Void) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            run()
            return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
        var fastest = (bfloat16: Double.infinity, float32: Double.infinity)
        for round in 0..<35 {
            let b = seconds { bfloat16.forward(imageBits, into: output, thread: 0) }
            let f = seconds { float32.forward(images, into: output, thread: 0) }
            if round >= 5 { fastest = (min(fastest.bfloat16, b), min(fastest.float32, f)) }
        }
        return fastest.float32 / fastest.bfloat16
    }
}
