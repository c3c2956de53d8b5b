/// A 2-d convolution (cross-correlation, as in PyTorch) with zero padding, computed per image as
/// im2col followed by one GEMM.
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
    /// Where the kernel `[outChannels, inChannels, kernelSize, kernelSize]` comes from.
    public let weightSource: any WeightSource<Scalar>
    /// The per-output-channel bias, if any.
    public let bias: Parameter<Scalar>?
    /// Set to `false` on a first layer, whose input gradient nobody reads, to skip computing it.
    public var computesInputGradient = true

    private var input: Tensor<Scalar>?
    private var weight: Tensor<Scalar>?
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?
    private var weightGradient: Tensor<Scalar>?
    // One scratch column matrix and one partial weight gradient per thread.
    private var columns: [Tensor<Scalar>] = []
    private var partialWeightGradients: [Tensor<Scalar>] = []

    /// Creates a convolution whose kernel comes from `weightSource`.
    public init(
        name: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        weightSource: any WeightSource<Scalar>, bias: Parameter<Scalar>? = nil
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
        self.weightSource = weightSource
        self.bias = bias
    }

    /// Creates a convolution with its own dense kernel (and optionally a bias), initialised from `random`.
    public convenience init(
        name: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        hasBias: Bool = false, initialization: KaimingInitialization = .pytorchDefault, random: RandomSource
    ) {
        let shape = [outChannels, inChannels, kernelSize, kernelSize]
        let source = DenseWeightSource<Scalar>(name: "\(name).weight", shape: shape, initialization: initialization, random: random)
        let bias = hasBias
            ? Parameter<Scalar>.defaultBias(name: "\(name).bias", count: outChannels, fanIn: inChannels * kernelSize * kernelSize, random: random)
            : nil
        self.init(name: name, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                  stride: stride, padding: padding, weightSource: source, bias: bias)
    }

    public var parameters: [Parameter<Scalar>] { weightSource.parameters + (bias.map { [$0] } ?? []) }

    func geometry(for shape: [Int]) -> WindowGeometry {
        checkShape(shape.count == 4 && shape[1] == inChannels, name, "expected [N, \(inChannels), H, W], got \(shape)")
        let g = WindowGeometry(channels: inChannels, height: shape[2], width: shape[3], kernelHeight: kernelSize,
                               kernelWidth: kernelSize, stride: stride, padding: padding)
        checkShape(g.outputHeight > 0 && g.outputWidth > 0, name, "input \(shape) is smaller than the kernel")
        return g
    }

    /// Scratch buffers for `chunks` threads; a pointwise convolution needs no column matrices.
    private func prepareScratch(_ g: WindowGeometry, chunks: Int) {
        let columnShape = [g.columnRows, g.outputPlane]
        if !g.isPointwise && (columns.count < chunks || columns[0].shape != columnShape) {
            columns = (0..<chunks).map { _ in Tensor(shape: columnShape) }
        }
        let weightShape = [outChannels, g.columnRows]
        if partialWeightGradients.count < chunks || partialWeightGradients[0].shape != weightShape {
            partialWeightGradients = (0..<chunks).map { _ in Tensor(shape: weightShape) }
        }
    }

    // input [N, Cin, H, W] → output [N, Cout, Ho, Wo]; per image: out = W[Cout, Cin·k·k] · col[Cin·k·k, Ho·Wo]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        let g = geometry(for: input.shape)
        let items = input.shape[0]
        let output = self.output.reuse(shape: [items, outChannels, g.outputHeight, g.outputWidth])
        let threads = EngineThreads.count
        prepareScratch(g, chunks: threads)
        let weight = weightSource.weight()
        self.input = input
        self.weight = weight
        let columns = self.columns, outChannels = self.outChannels
        let inItem = inChannels * g.height * g.width, outItem = outChannels * g.outputPlane
        EngineThreads.forEachChunk(of: items, threads: threads) { chunk, range in
            for item in range {
                let image = input.data + item * inItem
                var columnMatrix = UnsafePointer(image)
                if !g.isPointwise {
                    im2col(image, g, into: columns[chunk].data)
                    columnMatrix = UnsafePointer(columns[chunk].data)
                }
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
    // Each thread sums its images' dW into its own buffer; the buffers are then added in thread order,
    // so the result depends only on the thread count.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let input else { preconditionFailure("\(name): backward called before forward") }
        let g = geometry(for: input.shape)
        let items = input.shape[0]
        checkShape(outputGradient.shape == [items, outChannels, g.outputHeight, g.outputWidth], name,
                   "output gradient \(outputGradient.shape) does not match the last output")
        let inputGradient = self.inputGradient.reuse(shape: input.shape)
        let threads = EngineThreads.count
        prepareScratch(g, chunks: threads)
        guard let weight else { preconditionFailure("\(name): backward called before forward") }
        let columns = self.columns, partials = self.partialWeightGradients
        let outChannels = self.outChannels, computesInputGradient = self.computesInputGradient
        let inItem = inChannels * g.height * g.width, outItem = outChannels * g.outputPlane
        let chunks = max(1, min(threads, items))
        EngineThreads.forEachChunk(of: items, threads: threads) { chunk, range in
            let partial = partials[chunk]
            partial.zero()
            for item in range {
                let image = input.data + item * inItem
                let gradient = UnsafePointer(outputGradient.data + item * outItem)
                var columnMatrix = UnsafePointer(image)
                if !g.isPointwise {
                    im2col(image, g, into: columns[chunk].data)
                    columnMatrix = UnsafePointer(columns[chunk].data)
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
                                beta: 0, c: columns[chunk].data, ldc: g.outputPlane)
                    fill(imageGradient, with: 0, count: inItem)
                    col2imAccumulate(columns[chunk].data, g, into: imageGradient)
                }
            }
        }
        let weightGradient = self.weightGradient.reuse(shape: weightSource.shape)
        weightGradient.copy(from: partials[0])
        for chunk in 1..<chunks {
            addScaled(partials[chunk].data, times: 1, into: weightGradient.data, count: weightGradient.count)
        }
        weightSource.accumulateGradient(weightGradient)
        if let bias {
            accumulateChannelBiasGradient(outputGradient.data, into: bias.gradient.data, items: items,
                                          channels: outChannels, plane: g.outputPlane)
        }
        return inputGradient
    }
}
