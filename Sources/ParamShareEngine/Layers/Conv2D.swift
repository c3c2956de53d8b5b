/// A 2-d convolution (cross-correlation, as in PyTorch) with zero padding.
///
/// Channels-first images are computed per image as im2col followed by one GEMM; channels-last
/// images go through oneDNN's direct convolution (see `Conv2D+ChannelsLast.swift`).
///
/// Per-image GEMMs, spread over the engine's threads, beat one batch-wide im2col here: the
/// 16-channel layers of a CIFAR ResNet give thin matrices (M = 16) that OpenBLAS handles well
/// only when each call stays in cache. A 1×1, stride-1, unpadded convolution skips im2col.
public final class Conv2D<Scalar: EngineScalar>: Layer {
    public let name: String
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    /// The order of the images it reads and writes.
    public let layout: ImageLayout
    /// Where the kernel `[outChannels, inChannels, kernelSize, kernelSize]` comes from.
    public let weightSource: any WeightSource<Scalar>
    /// The per-output-channel bias, if any.
    public let bias: Parameter<Scalar>?
    /// Set to `false` on a first layer, whose input gradient nobody reads, to skip computing it.
    package var computesInputGradient = true
    /// The precision of the convolution's operands: images, kernel and output gradients
    /// (``ComputePrecision``). `bfloat16` needs `Float`; channels-last, it runs on oneDNN's bf16
    /// kernels where the CPU has them.
    public var precision = ComputePrecision.float32 {
        willSet { precondition(newValue == .float32 || Scalar.self == Float.self, "\(name): bf16 operands need Float") }
    }

    var input: Tensor<Scalar>?
    var weight: Tensor<Scalar>?
    var output: Tensor<Scalar>?
    var inputGradient: Tensor<Scalar>?
    var weightGradient: Tensor<Scalar>?
    // One scratch column matrix per thread.
    private var columns: [Tensor<Scalar>] = []
    // oneDNN's block convolutions, by images per block (channels-last Float only).
    var blockConvolutions: [Int: OneDNNConvolution] = [:]
    // oneDNN's whole-batch convolutions for blocks of output channels, by channels per block
    // (the kernel gradient of small output planes, `Conv2D+ChannelBlocks.swift`).
    var channelBlockConvolutions: [Int: OneDNNConvolution] = [:]
    // The engine thread count of the last channels-last forward pass. Backward keeps it: a count
    // raised in between would call for kernels that do not hold the weights forward loaded.
    var forwardThreads = 1
    // The kernel and bias with a batch norm folded in (channels-last inference only).
    var foldedWeight: Tensor<Scalar>?
    var foldedBias: Tensor<Scalar>?
    // The kernel rounded to bfloat16, with bf16 operands.
    var roundedWeight: Tensor<Scalar>?
    // Images rounded to bfloat16 by the layer before (``receiveConvertedInput(_:of:)``), for the
    // next forward pass if its input is the tensor at `address`; then, as `convertedImages`, for
    // the backward pass after it. `forwardReadBFloat16`: the last forward pass read bf16 operands,
    // on oneDNN's bf16 kernels or in the emulation, so that its backward pass may be handed them.
    var handedInput: (buffer: BFloat16Buffer, address: UnsafeMutableRawPointer, count: Int)?
    var convertedImages: BFloat16Buffer?
    var forwardReadBFloat16 = false
    /// Whether it takes operands rounded by the layers next to it (`Conv2D+ConvertedOperands.swift`);
    /// `false` rounds them itself, as its tests set to compare the two.
    var takesConvertedOperands = true
    /// Whether bf16 operands run on oneDNN's bf16 kernels where it has them (channels-last only):
    /// `nil` as ``BFloat16KernelChoice`` chooses for this CPU; `false` keeps the emulation, rounding
    /// in `Float`, and `true` the bf16 kernels, on every CPU: tests set them, so that both paths
    /// stay tested whichever the CPU would choose.
    var usesBFloat16Kernels: Bool?
    /// Whether this layer's operands go to oneDNN's bf16 kernels where it has them.
    var takesBFloat16Kernels: Bool {
        precision == .bfloat16 && (usesBFloat16Kernels ?? BFloat16KernelChoice.usesBFloat16Kernels)
    }
    /// Whether a channels-last training or evaluation pass on oneDNN's bf16 kernels may store its
    /// output in bf16 for the batch norm after it (`Conv2D+BFloat16Output.swift`); `false` keeps
    /// it in `Float`, as tests set to compare with the operands handed over alone.
    var storesOutputInBFloat16 = true
    // The output stored in bf16, in the first half of this tensor's memory.
    var storedOutput: Tensor<Scalar>?

    /// Images whose weight gradients one partial sum accumulates, in order.
    ///
    /// Floating-point addition is not associative, so dW = Σ_images dW_i must be summed in an
    /// order that does not depend on how many threads run: images are taken in fixed groups of
    /// this size, each group summed in image order, and the groups' sums added in group order.
    /// Threads only decide which thread sums which groups, so a seed gives bit-identical weights
    /// with any thread count. A batch of 128 has 16 groups, enough work for 16 threads.
    static var imagesPerGradientGroup: Int { 8 }

    /// Creates a convolution whose kernel comes from `weightSource`.
    public init(
        name: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        layout: ImageLayout = .channelsFirst, weightSource: any WeightSource<Scalar>, bias: Parameter<Scalar>? = nil
    ) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                     "\(name): invalid convolution sizes")
        precondition(weightSource.shape == [outChannels, inChannels, kernelSize, kernelSize],
                     "\(name): weight source shape \(weightSource.shape) is not [\(outChannels), \(inChannels), \(kernelSize), \(kernelSize)]")
        precondition(bias.map { $0.value.shape == [outChannels] } ?? true, "\(name): bias must have shape [\(outChannels)]")
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.layout = layout
        self.weightSource = weightSource
        self.bias = bias
    }

    /// Creates a convolution with its own dense kernel (and optionally a bias), initialised from `random`.
    public convenience init(
        name: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        layout: ImageLayout = .channelsFirst, hasBias: Bool = false,
        initialization: KaimingInitialization = .pytorchDefault, random: RandomSource
    ) {
        let shape = [outChannels, inChannels, kernelSize, kernelSize]
        let source = DenseWeightSource<Scalar>(name: "\(name).weight", shape: shape, initialization: initialization, random: random)
        let bias = hasBias
            ? Parameter<Scalar>.defaultBias(name: "\(name).bias", count: outChannels, fanIn: inChannels * kernelSize * kernelSize, random: random)
            : nil
        self.init(name: name, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                  stride: stride, padding: padding, layout: layout, weightSource: source, bias: bias)
    }

    public var parameters: [Parameter<Scalar>] { weightSource.parameters + (bias.map { [$0] } ?? []) }

    func geometry(for shape: [Int]) -> WindowGeometry {
        checkShape(shape.count == 4 && layout.channels(of: shape) == inChannels, name,
                   "expected \(layout.shape(items: 0, channels: inChannels, height: 0, width: 0)) with any N, H, W, got \(shape)")
        let (height, width) = layout.plane(of: shape)
        let g = WindowGeometry(channels: inChannels, height: height, width: width, kernelHeight: kernelSize,
                               kernelWidth: kernelSize, stride: stride, padding: padding)
        checkShape(g.outputHeight > 0 && g.outputWidth > 0, name, "input \(shape) is smaller than the kernel")
        return g
    }

    /// Column matrices for `threads` threads (a pointwise convolution needs none).
    private func prepareScratch(_ g: WindowGeometry, threads: Int) {
        let columnShape = [g.columnRows, g.outputPlane]
        if !g.isPointwise && (columns.count < threads || columns[0].shape != columnShape) {
            columns = (0..<threads).map { _ in Tensor(shape: columnShape) }
        }
    }

    /// `count` zeroed partial weight gradients of the kernel's shape: one per group of images, or
    /// one per thread where each group's is added to the sum as soon as it is computed. Allocated
    /// per backward pass and freed after it: kept per layer, one per group came to 5 % of
    /// ResNet-56's peak memory.
    func makePartialWeightGradients(count: Int) -> [Tensor<Scalar>] {
        let storage = Tensor<Scalar>(shape: [count, outChannels * inChannels * kernelSize * kernelSize])
        return (0..<count).map { storage.batch($0..<($0 + 1)).reshaped(weightSource.shape) }
    }

    // input [N, Cin, H, W] → output [N, Cout, Ho, Wo]; per image: out = W[Cout, Cin·k·k] · col[Cin·k·k, Ho·Wo]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let g = geometry(for: input.shape)
        if layout == .channelsLast { return forwardChannelsLast(input, g) }
        let items = input.shape[0]
        let output = self.output.reuse(shape: [items, outChannels, g.outputHeight, g.outputWidth])
        let threads = EngineThreads.count
        prepareScratch(g, threads: threads)
        let weight = operandWeight()
        self.input = input
        self.weight = weight
        let columns = self.columns, outChannels = self.outChannels
        let inItem = inChannels * g.height * g.width, outItem = outChannels * g.outputPlane
        let operands = bfloat16Operands(slots: threads, count: g.columnRows * g.outputPlane)
        EngineThreads.forEachChunk(of: items, threads: threads) { chunk, range in
            for item in range {
                let image = input.data + item * inItem
                var columnMatrix = UnsafePointer(image)
                if !g.isPointwise {
                    im2col(image, g, into: columns[chunk].data)
                    columnMatrix = UnsafePointer(columns[chunk].data)
                }
                if let operands { columnMatrix = UnsafePointer(operands.rounded(columnMatrix, count: g.columnRows * g.outputPlane, slot: chunk)) }
                Scalar.gemm(transposeA: false, transposeB: false, m: outChannels, n: g.outputPlane, k: g.columnRows,
                            alpha: 1, a: weight.data, lda: g.columnRows, b: columnMatrix, ldb: g.outputPlane,
                            beta: 0, c: output.data + item * outItem, ldc: g.outputPlane)
            }
        }
        if let bias {
            addChannelBias(bias.value.data, to: output.data, items: items, channels: outChannels, plane: g.outputPlane)
        }
        return output
    }

    // dY [N, Cout, Ho, Wo] → dX [N, Cin, H, W]; per image: dW += dY·colᵀ, dcol = Wᵀ·dY, dX = col2im(dcol).
    // dW is summed per fixed group of images, then over the groups in order (`imagesPerGradientGroup`),
    // so the result does not depend on the thread count.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let input else { preconditionFailure("\(name): backward called before forward") }
        let g = geometry(for: input.shape)
        let items = input.shape[0]
        checkShape(outputGradient.shape == layout.shape(items: items, channels: outChannels, height: g.outputHeight, width: g.outputWidth),
                   name, "output gradient \(outputGradient.shape) does not match the last output")
        if layout == .channelsLast { return backwardChannelsLast(outputGradient, input: input, g) }
        let inputGradient = self.inputGradient.reuse(shape: input.shape)
        let groupSize = Self.imagesPerGradientGroup
        let groups = (items + groupSize - 1) / groupSize
        let threads = EngineThreads.count
        prepareScratch(g, threads: threads)
        guard let weight else { preconditionFailure("\(name): backward called before forward") }
        let columns = self.columns, partials = makePartialWeightGradients(count: groups)
        let outChannels = self.outChannels, computesInputGradient = self.computesInputGradient
        let inItem = inChannels * g.height * g.width, outItem = outChannels * g.outputPlane
        let operands = bfloat16Operands(slots: 2 * threads, count: max(g.columnRows * g.outputPlane, outItem))
        EngineThreads.forEachBlock(of: items, blockSize: groupSize, threads: threads) { thread, group, range in
            let partial = partials[group]
            for item in range {
                let image = input.data + item * inItem
                var gradient = UnsafePointer(outputGradient.data + item * outItem)
                var columnMatrix = UnsafePointer(image)
                if !g.isPointwise {
                    im2col(image, g, into: columns[thread].data)
                    columnMatrix = UnsafePointer(columns[thread].data)
                }
                if let operands {
                    columnMatrix = UnsafePointer(operands.rounded(columnMatrix, count: g.columnRows * g.outputPlane, slot: 2 * thread))
                    gradient = UnsafePointer(operands.rounded(gradient, count: outItem, slot: 2 * thread + 1))
                }
                Scalar.gemm(transposeA: false, transposeB: true, m: outChannels, n: g.columnRows, k: g.outputPlane,
                            alpha: 1, a: gradient, lda: g.outputPlane, b: columnMatrix, ldb: g.outputPlane,
                            beta: 1, c: partial.data, ldc: g.columnRows)
                guard computesInputGradient else { continue }
                let imageGradient = inputGradient.data + item * inItem
                if g.isPointwise {
                    Scalar.gemm(transposeA: true, transposeB: false, m: g.columnRows, n: g.outputPlane, k: outChannels,
                                alpha: 1, a: weight.data, lda: g.columnRows, b: gradient, ldb: g.outputPlane,
                                beta: 0, c: imageGradient, ldc: g.outputPlane)
                } else {
                    Scalar.gemm(transposeA: true, transposeB: false, m: g.columnRows, n: g.outputPlane, k: outChannels,
                                alpha: 1, a: weight.data, lda: g.columnRows, b: gradient, ldb: g.outputPlane,
                                beta: 0, c: columns[thread].data, ldc: g.outputPlane)
                    fill(imageGradient, with: 0, count: inItem)
                    col2imAccumulate(columns[thread].data, g, into: imageGradient)
                }
            }
        }
        passOnWeightGradient(partials)
        if let bias {
            accumulateChannelBiasGradient(outputGradient.data, into: bias.gradient.data, items: items,
                                          channels: outChannels, plane: g.outputPlane)
        }
        return inputGradient
    }

    /// The kernel this pass multiplies: the weight source's, rounded to bfloat16 with bf16 operands.
    func operandWeight() -> Tensor<Scalar> {
        let weight = weightSource.weight()
        return precision == .bfloat16 ? weight.roundedToBFloat16(reusing: &roundedWeight) : weight
    }

    /// Scratch for `slots` image or gradient operands of `count` values rounded to bfloat16, then
    /// `outputSlots` of `outputCount` `Float` values (the emulation's blocks of an output it stores
    /// in bf16), or `nil` when operands are used as they are.
    func bfloat16Operands(slots: Int, count: Int, outputSlots: Int = 0, outputCount: Int = 0) -> BFloat16Operands? {
        precision == .bfloat16
            ? BFloat16Operands(capacities: Array(repeating: count, count: slots) + Array(repeating: outputCount, count: outputSlots))
            : nil
    }

    /// Sums the groups' partial weight gradients in group order and hands the sum to the weight source.
    func passOnWeightGradient(_ partials: [Tensor<Scalar>]) {
        let weightGradient = self.weightGradient.reuse(shape: weightSource.shape)
        for (group, partial) in partials.enumerated() { Self.fold(partial, group: group, into: weightGradient) }
        weightSource.accumulateGradient(weightGradient)
    }

    /// Adds group `group`'s partial weight gradient into `sum`, which the first group's sets.
    static func fold(_ partial: Tensor<Scalar>, group: Int, into sum: Tensor<Scalar>) {
        if group == 0 {
            sum.copy(from: partial)
        } else {
            addScaled(partial.data, times: 1, into: sum.data, count: sum.count)
        }
    }
}
