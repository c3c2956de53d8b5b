import CDNNL
import Foundation
import Synchronization

/// The sizes of one channels-last convolution call: a block of `items` images.
struct ConvolutionShape: Hashable, Sendable {
    var items: Int, inChannels: Int, height: Int, width: Int
    var outChannels: Int, outputHeight: Int, outputWidth: Int
    var kernelSize: Int, stride: Int, padding: Int

    var inputCount: Int { items * height * width * inChannels }
    var outputCount: Int { items * outputHeight * outputWidth * outChannels }
    var weightCount: Int { outChannels * inChannels * kernelSize * kernelSize }
}

/// oneDNN's direct convolution for one block shape: forward, backward data and backward weights
/// on `[items, H, W, C]` (NHWC) images and `[out, in, k, k]` (OIHW) kernels, with `Float` or
/// bfloat16 operands and `Float` sums and results.
///
/// oneDNN runs these layouts with its JIT kernels (AVX2 or AVX-512, chosen at run time from the
/// CPU), 3–4× the speed of im2col with OpenBLAS on a CIFAR ResNet's thin layers. Every call runs
/// on the thread that makes it, with its own stream and scratchpad: the engine spreads blocks of
/// images over its threads, so results do not depend on the thread count. Kernels are kept in
/// oneDNN's preferred blocked order, converted from and to OIHW by exact reorders (a kernel for
/// bf16 operands arrives rounded to bfloat16).
///
/// Asked for bf16 operands, it makes oneDNN's bf16 kernels where oneDNN has them for this CPU
/// (`vdpbf16ps` on AVX512_BF16, emulated by oneDNN on other AVX-512 CPUs): images, kernel and output
/// gradient in bf16; output, input gradient and kernel gradient in `Float`. Where oneDNN has
/// none (creation returns `dnnl_unimplemented`, as on AVX2) it makes the Float kernels instead,
/// and the caller rounds the operands in `Float` (``operands`` says which). Both multiply the
/// same rounded operands, whose products are exact in `Float`, so the two paths differ only in
/// the order of the sums. The first kernel of each path prints, once per process, which runs.
final class OneDNNConvolution: @unchecked Sendable {
    let shape: ConvolutionShape
    /// The operand precision asked for.
    let precision: ComputePrecision
    /// What the kernels read: bfloat16 bit patterns (`UInt16`) where oneDNN made bf16 kernels,
    /// `Float` otherwise, whatever ``precision`` asked for.
    let operands: ComputePrecision
    private let forward: OneDNNPrimitive
    /// The forward pass writing its output rounded to bfloat16 (``forward(_:convertingInto:thread:)``),
    /// with bf16 operands where oneDNN has it; it reads the forward pass's blocked kernel.
    private let convertingForward: OneDNNPrimitive?
    private let backwardData: OneDNNPrimitive
    private let backwardWeights: OneDNNPrimitive
    private let toForwardWeights: OneDNNPrimitive
    private let toBackwardDataWeights: OneDNNPrimitive
    private let fromDiffWeights: OneDNNPrimitive
    /// The images and output gradients the passes read, in the operands' type.
    private let operandImage: dnnl_memory_desc_t
    private let operandOutput: dnnl_memory_desc_t
    /// The output and input gradient they write, in `Float`.
    private let plainImage: dnnl_memory_desc_t
    private let plainOutput: dnnl_memory_desc_t
    private let convertedOutput: dnnl_memory_desc_t
    private let plainWeights: dnnl_memory_desc_t
    private let blockedForwardWeights: dnnl_memory_desc_t
    private let blockedBackwardDataWeights: dnnl_memory_desc_t
    private let blockedDiffWeights: dnnl_memory_desc_t
    /// The kernel in each pass's order; one diff-weights buffer per thread.
    private let forwardWeights: UnsafeMutableRawPointer
    private let backwardDataWeights: UnsafeMutableRawPointer
    private let diffWeights: [UnsafeMutableRawPointer]
    private let streams: OneDNNStreams
    /// The inference forward with batch norm folded in, made on first use.
    private var folded: FoldedForward?

    /// How many threads may call at once.
    var threadSlots: Int { streams.count }

    /// oneDNN's names for the convolution kernels it chose (forward, backward data, backward
    /// weights, and the inference forward with batch norm folded in once made), as
    /// `ONEDNN_VERBOSE` prints them: `brgconv:avx512_core`, `jit:avx2`, …
    var implementations: [String] {
        ([forward, backwardData, backwardWeights] + (convertingForward.map { [$0] } ?? [])).map(\.implementation) + (folded.map { [$0.primitive.implementation] } ?? [])
    }

    /// Creates the primitives for `shape` with `precision`'s operands where oneDNN has them, with
    /// scratch space for `threads` concurrent callers; `announces` prints the bf16 path, if it is
    /// the first of its kind (``BFloat16KernelChoice``'s probe does not).
    init(shape: ConvolutionShape, threads: Int, precision: ComputePrecision = .float32, announces: Bool = true) {
        self.shape = shape
        self.precision = precision
        let bfloat16 = precision == .bfloat16 ? Passes(shape, operands: dnnl_bf16, threads: threads) : nil
        guard let passes = bfloat16 ?? Passes(shape, operands: dnnl_f32, threads: threads) else {
            preconditionFailure("oneDNN has no Float convolution for \(shape)")
        }
        if precision == .bfloat16 && announces { Self.announce(passes, bfloat16: bfloat16 != nil) }
        operands = bfloat16 == nil ? .float32 : .bfloat16
        forward = passes.forward
        convertingForward = passes.convertingForward
        backwardData = passes.backwardData
        backwardWeights = passes.backwardWeights
        operandImage = passes.image
        operandOutput = passes.outputGradient
        plainImage = describe([shape.items, shape.inChannels, shape.height, shape.width], dnnl_f32, dnnl_nhwc)
        plainOutput = describe([shape.items, shape.outChannels, shape.outputHeight, shape.outputWidth], dnnl_f32, dnnl_nhwc)
        convertedOutput = describe([shape.items, shape.outChannels, shape.outputHeight, shape.outputWidth], dnnl_bf16, dnnl_nhwc)
        plainWeights = describe([shape.outChannels, shape.inChannels, shape.kernelSize, shape.kernelSize], dnnl_f32, dnnl_oihw)
        blockedForwardWeights = forward.memoryDescriptor(dnnl_query_weights_md)
        blockedBackwardDataWeights = backwardData.memoryDescriptor(dnnl_query_weights_md)
        blockedDiffWeights = backwardWeights.memoryDescriptor(dnnl_query_diff_weights_md)
        toForwardWeights = OneDNNPrimitive(reorderFrom: plainWeights, to: blockedForwardWeights, threads: threads)
        toBackwardDataWeights = OneDNNPrimitive(reorderFrom: plainWeights, to: blockedBackwardDataWeights, threads: threads)
        fromDiffWeights = OneDNNPrimitive(reorderFrom: blockedDiffWeights, to: plainWeights, threads: threads)

        forwardWeights = allocateForOneDNN(byteCount(of: blockedForwardWeights))
        backwardDataWeights = allocateForOneDNN(byteCount(of: blockedBackwardDataWeights))
        let diffSize = byteCount(of: blockedDiffWeights)
        diffWeights = (0..<threads).map { _ in allocateForOneDNN(diffSize) }
        streams = OneDNNStreams(threads: threads)
        streams.reserveScratchpads(for: [forward, backwardData, backwardWeights, toForwardWeights, toBackwardDataWeights,
                                         fromDiffWeights] + (convertingForward.map { [$0] } ?? []))
    }

    /// The three training passes of one convolution with operands of one type, and with bf16
    /// operands the forward pass that writes bf16.
    private struct Passes {
        let forward: OneDNNPrimitive
        let convertingForward: OneDNNPrimitive?
        let backwardData: OneDNNPrimitive
        let backwardWeights: OneDNNPrimitive
        /// What forward and backward weights read as images, and backward data and weights as
        /// output gradients: NHWC, in the operands' type.
        let image: dnnl_memory_desc_t
        let outputGradient: dnnl_memory_desc_t

        /// `nil` where oneDNN has no kernel for one of the passes with `type` operands.
        init?(_ shape: ConvolutionShape, operands type: dnnl_data_type_t, threads: Int) {
            let imageDimensions = [shape.items, shape.inChannels, shape.height, shape.width]
            let outputDimensions = [shape.items, shape.outChannels, shape.outputHeight, shape.outputWidth]
            let kernel = [shape.outChannels, shape.inChannels, shape.kernelSize, shape.kernelSize]
            var image = describe(imageDimensions, type, dnnl_nhwc), plainImage = describe(imageDimensions, dnnl_f32, dnnl_nhwc)
            var output = describe(outputDimensions, dnnl_f32, dnnl_nhwc)
            var outputGradient = describe(outputDimensions, type, dnnl_nhwc)
            var weights = describe(kernel, type, dnnl_format_tag_any), diffWeights = describe(kernel, dnnl_f32, dnnl_format_tag_any)
            var forwardDesc = dnnl_convolution_desc_t(), dataDesc = dnnl_convolution_desc_t()
            var weightsDesc = dnnl_convolution_desc_t()
            check(paramshare_dnnl_convolution_descs(&forwardDesc, &dataDesc, &weightsDesc, &image, &plainImage, &weights,
                                                    &diffWeights, &output, &outputGradient, Int64(shape.kernelSize),
                                                    Int64(shape.stride), Int64(shape.padding)),
                  "describing the convolution \(shape)")
            guard let forward = OneDNNPrimitive(&forwardDesc, threads: threads),
                  let backwardData = OneDNNPrimitive(&dataDesc, hint: forward.descriptor, threads: threads),
                  let backwardWeights = OneDNNPrimitive(&weightsDesc, hint: forward.descriptor, threads: threads)
            else { return nil }
            self.forward = forward
            convertingForward = type == dnnl_bf16
                ? Self.convertingForward(shape, image: image, weights: forward.memoryDescriptor(dnnl_query_weights_md),
                                         threads: threads)
                : nil
            self.backwardData = backwardData
            self.backwardWeights = backwardWeights
            self.image = image
            self.outputGradient = outputGradient
        }

        /// The forward pass of `shape` writing bf16, on the kernel order `weights` of the Float-output
        /// forward pass, so that one loaded kernel serves both; `nil` where oneDNN has none.
        private static func convertingForward(_ shape: ConvolutionShape, image: dnnl_memory_desc_t,
                                              weights: dnnl_memory_desc_t, threads: Int) -> OneDNNPrimitive? {
            var image = image, weights = weights
            var output = describe([shape.items, shape.outChannels, shape.outputHeight, shape.outputWidth], dnnl_bf16, dnnl_nhwc)
            // Only the forward descriptor is used; the backward ones are filled in by the same call.
            var forwardDesc = dnnl_convolution_desc_t(), dataDesc = dnnl_convolution_desc_t()
            var weightsDesc = dnnl_convolution_desc_t()
            guard paramshare_dnnl_convolution_descs(&forwardDesc, &dataDesc, &weightsDesc, &image, &image, &weights, &weights,
                                                    &output, &output, Int64(shape.kernelSize), Int64(shape.stride),
                                                    Int64(shape.padding)) == dnnl_success
            else { return nil }
            return OneDNNPrimitive(&forwardDesc, threads: threads)
        }
    }

    /// Which bf16 paths have been announced: oneDNN's bf16 kernels (`true`), the emulation (`false`).
    private static let announced = Mutex<Set<Bool>>([])

    /// Prints, the first time a process takes a path, which computation bf16 operands get:
    /// oneDNN's bf16 kernels, or the emulation's rounding before its Float kernels, naming the
    /// kernels of the first convolution that takes it (other shapes may get others, such as the
    /// 1×1 kernels). A study of bf16 training must know which it measured; standard error keeps
    /// `--json` output on standard output clean.
    private static func announce(_ passes: Passes, bfloat16: Bool) {
        guard announced.withLock({ $0.insert(bfloat16).inserted }) else { return }
        let kernels = "forward \(passes.forward.implementation), backward data \(passes.backwardData.implementation), "
            + "backward weights \(passes.backwardWeights.implementation)"
        let line = bfloat16
            ? "bf16 convolutions run on oneDNN's bf16 kernels, with Float sums and outputs (first: \(kernels))"
            : "bf16 convolutions are emulated: oneDNN has no bf16 convolution for this CPU, so operands are rounded to bf16 "
                + "and multiplied by its Float kernels (first: \(kernels))"
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The forward pass with a per-channel bias and, if asked, the sum with what the output held
    /// and a ReLU, in the same pass.
    private struct FoldedForward {
        let epilogue: FoldedEpilogue
        let primitive: OneDNNPrimitive
        /// What it writes: NHWC, in `Float`, or in bf16 with ``FoldedEpilogue/convertedOutput``.
        let output: dnnl_memory_desc_t
        let fromPlainWeights: OneDNNPrimitive
        let blockedWeights: dnnl_memory_desc_t
        let bias: dnnl_memory_desc_t
        let weightBuffer: UnsafeMutableRawPointer
        let biasBuffer: UnsafeMutableRawPointer
    }

    /// Loads the kernel `plain` (OIHW) with its per-channel `bias` for `forwardFolded`, which then
    /// ends as `epilogue` says. Call before a pass over the batch.
    func loadFoldedWeights(_ plain: UnsafePointer<Float>, bias: UnsafePointer<Float>, epilogue: FoldedEpilogue) {
        if folded?.epilogue != epilogue {
            folded.map { $0.weightBuffer.deallocate(); $0.biasBuffer.deallocate() }
            folded = makeFoldedForward(epilogue)
        }
        let folded = folded!
        execute(folded.fromPlainWeights, thread: 0, [(DNNL_ARG_FROM, plainWeights, UnsafeMutableRawPointer(mutating: plain)),
                                                     (DNNL_ARG_TO, folded.blockedWeights, folded.weightBuffer)])
        folded.biasBuffer.copyMemory(from: bias, byteCount: shape.outChannels * MemoryLayout<Float>.stride)
    }

    /// `output = input ⋆ kernel + bias` (plus `output`'s old value, then rectified, if loaded so)
    /// for one block, from the kernel `loadFoldedWeights` loaded; `input` holds ``operands``, and
    /// `output` `Float` values, or bfloat16 bit patterns if loaded with a converted output.
    func forwardFolded(_ input: UnsafeRawPointer, into output: UnsafeMutableRawPointer, thread: Int) {
        guard let folded else { preconditionFailure("forwardFolded before loadFoldedWeights") }
        execute(folded.primitive, thread: thread, [
            (DNNL_ARG_SRC, operandImage, UnsafeMutableRawPointer(mutating: input)),
            (DNNL_ARG_WEIGHTS, folded.blockedWeights, folded.weightBuffer),
            (DNNL_ARG_BIAS, folded.bias, folded.biasBuffer),
            (DNNL_ARG_DST, folded.output, output),
        ])
    }

    private func makeFoldedForward(_ epilogue: FoldedEpilogue) -> FoldedForward {
        precondition(!epilogue.convertedOutput || (operands == .bfloat16 && !epilogue.accumulated),
                     "a bf16 output is for bf16 kernels without a sum")
        var image = operandImage, bias = dnnl_memory_desc_t()
        var output = epilogue.convertedOutput
            ? describe([shape.items, shape.outChannels, shape.outputHeight, shape.outputWidth], dnnl_bf16, dnnl_nhwc)
            : plainOutput
        var anyWeights = describe([shape.outChannels, shape.inChannels, shape.kernelSize, shape.kernelSize],
                                  operands == .bfloat16 ? dnnl_bf16 : dnnl_f32, dnnl_format_tag_any)
        check(paramshare_dnnl_desc_1d(&bias, Int64(shape.outChannels)), "describing the bias")
        let attributes = OneDNNPrimitive.userScratchpad()
        defer { dnnl_primitive_attr_destroy(attributes) }
        var descriptor = dnnl_convolution_desc_t()
        check(paramshare_dnnl_folded_convolution_desc(&descriptor, attributes, &image, &anyWeights, &bias, &output,
                                                      Int64(shape.kernelSize), Int64(shape.stride),
                                                      Int64(shape.padding), epilogue.accumulated ? 1 : 0,
                                                      epilogue.rectified ? 1 : 0),
              "describing the folded convolution \(shape)")
        guard let primitive = OneDNNPrimitive(&descriptor, attributes: attributes, threads: threadSlots)
        else { preconditionFailure("oneDNN has no folded convolution for \(shape) with \(operands) operands") }
        let blocked = primitive.memoryDescriptor(dnnl_query_weights_md)
        let fromPlainWeights = OneDNNPrimitive(reorderFrom: plainWeights, to: blocked, threads: threadSlots)
        streams.reserveScratchpads(for: [primitive, fromPlainWeights])
        return FoldedForward(
            epilogue: epilogue, primitive: primitive, output: output, fromPlainWeights: fromPlainWeights,
            blockedWeights: blocked, bias: bias, weightBuffer: allocateForOneDNN(byteCount(of: blocked)),
            biasBuffer: allocateForOneDNN(shape.outChannels * MemoryLayout<Float>.stride))
    }

    deinit {
        folded.map { $0.weightBuffer.deallocate(); $0.biasBuffer.deallocate() }
        for buffer in diffWeights + [forwardWeights, backwardDataWeights] { buffer.deallocate() }
    }

    /// Converts an OIHW kernel into the orders (and the operand type) the forward and
    /// backward-data passes read. Call once per pass over the batch, before `forward` or
    /// `backwardData`. With bf16 operands, pass the kernel rounded to bfloat16: oneDNN's
    /// conversion then only drops zero bits.
    func loadWeights(_ plain: UnsafePointer<Float>) {
        let source = UnsafeMutableRawPointer(mutating: plain)
        execute(toForwardWeights, thread: 0, [(DNNL_ARG_FROM, plainWeights, source), (DNNL_ARG_TO, blockedForwardWeights, forwardWeights)])
        execute(toBackwardDataWeights, thread: 0,
                [(DNNL_ARG_FROM, plainWeights, source), (DNNL_ARG_TO, blockedBackwardDataWeights, backwardDataWeights)])
    }

    /// `output = input ⋆ kernel` for one block, NHWC to NHWC; `input` holds ``operands``.
    func forward(_ input: UnsafeRawPointer, into output: UnsafeMutablePointer<Float>, thread: Int) {
        execute(forward, thread: thread, [
            (DNNL_ARG_SRC, operandImage, UnsafeMutableRawPointer(mutating: input)),
            (DNNL_ARG_WEIGHTS, blockedForwardWeights, forwardWeights),
            (DNNL_ARG_DST, plainOutput, UnsafeMutableRawPointer(output)),
        ])
    }

    /// Whether ``forward(_:convertingInto:thread:)`` runs: bf16 operands with oneDNN's bf16 output.
    var convertsOutput: Bool { convertingForward != nil }

    /// ``forward(_:into:thread:)`` writing the output rounded to bfloat16 (by oneDNN, to nearest,
    /// ties to even, as `convertToBFloat16` rounds) instead of in `Float`, from the kernel
    /// `loadWeights` loaded: the output stored in half the bytes, for a batch norm that reads bf16.
    func forward(_ input: UnsafeRawPointer, convertingInto output: UnsafeMutablePointer<UInt16>, thread: Int) {
        guard let convertingForward else { preconditionFailure("no bf16-output convolution for \(shape)") }
        execute(convertingForward, thread: thread, [
            (DNNL_ARG_SRC, operandImage, UnsafeMutableRawPointer(mutating: input)),
            (DNNL_ARG_WEIGHTS, blockedForwardWeights, forwardWeights),
            (DNNL_ARG_DST, convertedOutput, UnsafeMutableRawPointer(output)),
        ])
    }

    /// The input gradient of one block, overwriting `inputGradient`; `outputGradient` holds ``operands``.
    func backwardData(_ outputGradient: UnsafeRawPointer, into inputGradient: UnsafeMutablePointer<Float>, thread: Int) {
        execute(backwardData, thread: thread, [
            (DNNL_ARG_DIFF_DST, operandOutput, UnsafeMutableRawPointer(mutating: outputGradient)),
            (DNNL_ARG_WEIGHTS, blockedBackwardDataWeights, backwardDataWeights),
            (DNNL_ARG_DIFF_SRC, plainImage, UnsafeMutableRawPointer(inputGradient)),
        ])
    }

    /// The kernel gradient of one block, in OIHW order, overwriting `weightGradient`; `input` and
    /// `outputGradient` hold ``operands``.
    func backwardWeights(_ input: UnsafeRawPointer, _ outputGradient: UnsafeRawPointer,
                         into weightGradient: UnsafeMutablePointer<Float>, thread: Int) {
        execute(backwardWeights, thread: thread, [
            (DNNL_ARG_SRC, operandImage, UnsafeMutableRawPointer(mutating: input)),
            (DNNL_ARG_DIFF_DST, operandOutput, UnsafeMutableRawPointer(mutating: outputGradient)),
            (DNNL_ARG_DIFF_WEIGHTS, blockedDiffWeights, diffWeights[thread]),
        ])
        execute(fromDiffWeights, thread: thread, [
            (DNNL_ARG_FROM, blockedDiffWeights, diffWeights[thread]),
            (DNNL_ARG_TO, plainWeights, UnsafeMutableRawPointer(weightGradient)),
        ])
    }

    private func execute(_ primitive: OneDNNPrimitive, thread: Int,
                         _ arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)]) {
        streams.execute(primitive, thread: thread, arguments, "running a convolution of \(shape)")
    }
}

/// What a folded convolution does after adding its bias: add the output's previous value (a
/// residual sum), then rectify, each if set; and whether it writes its output rounded to bfloat16
/// (bf16 kernels only, without a sum), for a convolution on bf16 kernels that reads it next.
struct FoldedEpilogue: Hashable, Sendable {
    var accumulated: Bool
    var rectified: Bool
    var convertedOutput = false
}

/// A plain 4-d memory descriptor: `dimensions` in oneDNN's logical order (NCHW, OIHW), stored
/// in `tag`'s order.
private func describe(_ dimensions: [Int], _ type: dnnl_data_type_t, _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
    var descriptor = dnnl_memory_desc_t()
    let d = dimensions.map(Int64.init)
    check(paramshare_dnnl_desc_4d(&descriptor, d[0], d[1], d[2], d[3], type, tag), "describing a tensor of \(dimensions)")
    return descriptor
}
