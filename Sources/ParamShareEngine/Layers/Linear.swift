import CDNNL

/// A fully connected layer, `y = x·Wᵀ + b`, with PyTorch's `[out, in]` weight layout.
///
/// A run of inference passes over a dense weight may keep a copy of it (rounded to bf16, or
/// packed for oneDNN's matrix product) from the run's first pass; any pass in another mode drops
/// it. Code that writes a dense weight in place between two inference passes must run a pass in
/// another mode first (the engine's optimisers always follow one).
public final class Linear<Scalar: EngineScalar>: Layer {
    public let name: String
    public let inFeatures: Int
    public let outFeatures: Int
    /// Where the weight `[outFeatures, inFeatures]` comes from.
    public let weightSource: any WeightSource<Scalar>
    /// The bias `[outFeatures]`, if any.
    public let bias: Parameter<Scalar>?
    /// Set to `false` on a first layer, whose input gradient nobody reads, to skip computing it.
    package var computesInputGradient = true
    /// The precision of the products' operands: inputs, weight and output gradients
    /// (``ComputePrecision``). `bfloat16` needs `Float`, and runs on oneDNN's bf16 matrix
    /// products where the CPU has them.
    public var precision = ComputePrecision.float32 {
        willSet { precondition(newValue == .float32 || Scalar.self == Float.self, "\(name): bf16 operands need Float") }
    }

    var input: Tensor<Scalar>?
    var weight: Tensor<Scalar>?
    var output: Tensor<Scalar>?
    var inputGradient: Tensor<Scalar>?
    var weightGradient: Tensor<Scalar>?
    // The operands rounded to bfloat16, with bf16 operands.
    private var roundedWeight: Tensor<Scalar>?
    private var roundedInput: Tensor<Scalar>?
    private var roundedGradient: Tensor<Scalar>?
    /// Whether bf16 operands run on oneDNN's bf16 matrix products where it has them: `nil` as
    /// ``BFloat16KernelChoice`` chooses for this CPU; `false` keeps the emulation, rounding for the
    /// `Float` products, and `true` the bf16 products, on every CPU: tests set them, so that both
    /// paths stay tested whichever the CPU would choose.
    var usesBFloat16Kernels: Bool?
    // oneDNN's bf16 products for the last batch size and thread count they were made for, `nil`
    // products where oneDNN has none; those the last forward pass ran on and its thread count,
    // which backward keeps, `nil` for the emulation.
    var madeBFloat16Products: (items: Int, threads: Int, products: LinearBFloat16Products?)?
    var forwardProducts: (products: LinearBFloat16Products, threads: Int)?
    // oneDNN's Float product of one full block of output columns (``OneDNNGEMM/forwardColumns``)
    // for the last batch size and thread count it was made for, `nil` where oneDNN has none; one
    // reading the weight as stored (`false`), one reading it packed (`true`).
    private(set) var madeColumnProducts: [Bool: (items: Int, threads: Int, product: OneDNNMatmul?)] = [:]
    // oneDNN's Float product of one full block of rows (``rowsPerBlock``) on the packed weight,
    // for inference (``OneDNNGEMM/inferenceRowsOnOneDNN``), for the last thread count it was made
    // for, `nil` where oneDNN has none.
    private(set) var madeRowProduct: (threads: Int, product: OneDNNMatmul?)?
    // The dense weight packed for a packed product, in blocks of the product's columns, and the
    // weight and product shape it was packed for in the run of inference passes that packed it
    // (see `forward`): the packed layout is the product's, so another shape packs again.
    private var packedWeights: Tensor<Float>?
    private var packedWeightOf: (weight: ObjectIdentifier, shape: MatmulShape)?
    // Each thread's dense block of output columns from that product.
    private var columnBlocks: Tensor<Float>?
    // The operands as bfloat16 bit patterns, for oneDNN's products.
    let inputBits = BFloat16Buffer(), weightBits = BFloat16Buffer(), gradientBits = BFloat16Buffer()
    // The dense weight whose rounding `weightBits` (kernels) or `roundedWeight` (emulation) holds
    // from an inference pass, for the next inference pass to reuse (see `roundedWeightIsCurrent`).
    var roundedWeightOf: (weight: ObjectIdentifier, onKernels: Bool)?

    /// Creates a linear layer whose weight comes from `weightSource`.
    public init(name: String, inFeatures: Int, outFeatures: Int, weightSource: any WeightSource<Scalar>,
                bias: Parameter<Scalar>? = nil) {
        precondition(weightSource.shape == [outFeatures, inFeatures],
                     "\(name): weight source shape \(weightSource.shape) is not [\(outFeatures), \(inFeatures)]")
        precondition(bias.map { $0.value.shape == [outFeatures] } ?? true, "\(name): bias must have shape [\(outFeatures)]")
        self.name = name
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weightSource = weightSource
        self.bias = bias
    }

    /// Creates a linear layer with its own dense weight (and by default a bias), initialised from `random`.
    public convenience init(name: String, inFeatures: Int, outFeatures: Int, hasBias: Bool = true,
                            initialization: KaimingInitialization = .pytorchDefault, random: RandomSource) {
        let source = DenseWeightSource<Scalar>(name: "\(name).weight", shape: [outFeatures, inFeatures],
                                               initialization: initialization, random: random)
        let bias = hasBias ? Parameter<Scalar>.defaultBias(name: "\(name).bias", count: outFeatures, fanIn: inFeatures, random: random) : nil
        self.init(name: name, inFeatures: inFeatures, outFeatures: outFeatures, weightSource: source, bias: bias)
    }

    public var parameters: [Parameter<Scalar>] { weightSource.parameters + (bias.map { [$0] } ?? []) }

    /// Rows per GEMM call, whatever the thread count, so that every row's result is the same on
    /// any number of threads (see `EngineThreads`). Blocks of 16 rows made the MLP train 32 %
    /// slower than one call per thread at batch 128; blocks of 64 cost nothing measurable there
    /// (ratios 1.04 train, 1.00 inference), but leave a batch of 128 only two blocks to share.
    static var rowsPerBlock: Int { 64 }

    /// The fewest multiply-adds a product of this layer needs to split its blocks over the
    /// threads; a smaller one computes them one after another on the calling thread (the same
    /// calls, so the same bits). A parallel region's hand-off to a worker costs tens of
    /// microseconds: on the Intel Xeon of family 6, model 207, the MLP's classifier (128×256×10)
    /// took 43–58 µs an inference pass in two blocks on two threads and 21–36 µs on one (means
    /// of 200 passes, two runs each), PyTorch's whole product 22–26 µs.
    static var fewestMultiplyAddsInParallel: Int { 1 << 20 }

    /// The threads a product over `items` rows splits its blocks over.
    private func productThreads(items: Int) -> Int {
        EngineThreads.threads(for: items * inFeatures * outFeatures, fewestInParallel: Self.fewestMultiplyAddsInParallel)
    }

    // x [N, in] → y [N, out]; blocks of batch rows, or of output columns where oneDNN takes them
    // (`OneDNNGEMM`), are split over the threads.
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        forward(input, mode: mode, rectified: false)
    }

    /// An inference pass and the ReLU after it as one: each block of the output rectified by the
    /// thread that wrote it, while it is in that core's cache, rather than in a pass and a
    /// parallel region of its own. The values are those of the two layers one after the other.
    func forwardRectified(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        forward(input, mode: .inference, rectified: true)
    }

    private func forward(_ input: Tensor<Scalar>, mode: ForwardMode, rectified: Bool) -> Tensor<Scalar> {
        checkShape(input.shape.count == 2 && input.shape[1] == inFeatures, name, "expected [N, \(inFeatures)], got \(input.shape)")
        let items = input.shape[0], threads = EngineThreads.count
        // Whatever path this pass takes, a pass that is not inference may be followed by a step that changes the weight.
        if mode != .inference { packedWeightOf = nil }
        if precision == .bfloat16 && usesBFloat16Kernels ?? BFloat16KernelChoice.usesBFloat16Kernels,
           let products = bfloat16Products(items: items, threads: threads) {
            return forwardOnBFloat16Kernels(input, products, threads: threads, mode: mode, rectified: rectified)
        }
        forwardProducts = nil
        let output = self.output.reuse(shape: [items, outFeatures])
        let bfloat16 = precision == .bfloat16, source = weightSource.weight()
        // An fp32 pass (training, say) between two bf16 inference passes must not leave the rounding current.
        if !bfloat16 { roundedWeightOf = nil }
        let weight = !bfloat16 ? source
            : roundedWeightIsCurrent(source, mode: mode, onKernels: false) ? roundedWeight!
            : source.roundedToBFloat16(reusing: &roundedWeight)
        let operand = bfloat16 ? input.roundedToBFloat16(reusing: &roundedInput) : input
        // Backward multiplies the operands forward multiplied.
        self.input = operand
        self.weight = weight
        let inFeatures = self.inFeatures, outFeatures = self.outFeatures, bias = bias?.value
        if Scalar.self == Float.self,
           OneDNNGEMM.forwardTakesColumnBlocks(items: items, inFeatures: inFeatures, outFeatures: outFeatures) {
            // A partial last block of columns is not of the shape oneDNN was chosen for, and runs on `linearGEMM`.
            // A run of inference passes over a dense weight reads it packed in oneDNN's layout,
            // packed in its first pass: only training changes a dense weight, and a training or
            // evaluation pass forgets the packing (as `roundedWeightIsCurrent` does the rounding).
            let packs = mode == .inference && weightSource is DenseWeightSource<Scalar>
            let product = OneDNNGEMM.forwardColumnsOnOneDNN(items: items, inFeatures: inFeatures)
                ? columnProduct(items: items, threads: threads, packed: packs) : nil
            let packed = packs ? packedWeight(weight, for: product, threads: threads) : nil
            // oneDNN's fast product writes a dense block (it takes `gemm:jit` for a strided one),
            // each thread into its own, copied into the output's columns.
            let blockSize = items * OneDNNGEMM.forwardColumns
            let blocks = columnBlocks.reuse(shape: [product == nil ? 0 : threads, blockSize])
            EngineThreads.forEachBlock(of: outFeatures, blockSize: OneDNNGEMM.forwardColumns, threads: threads) { thread, index, columns in
                if let product, columns.count == OneDNNGEMM.forwardColumns {
                    let block = float(blocks.data) + thread * blockSize
                    let b = packed.map { UnsafeRawPointer($0.weights.data + index * $0.stride) }
                        ?? UnsafeRawPointer(weight.data + columns.lowerBound * inFeatures)
                    product.multiply(operand.data, b, into: block, thread: thread)
                    for row in 0..<items {
                        copyScalars(from: block + row * columns.count,
                                    to: float(output.data) + row * outFeatures + columns.lowerBound, count: columns.count)
                    }
                } else {
                    linearGEMM(transposeA: false, transposeB: true, m: items, n: columns.count, k: inFeatures,
                               a: operand.data, lda: inFeatures,
                               b: weight.data + columns.lowerBound * inFeatures, ldb: inFeatures,
                               c: output.data + columns.lowerBound, ldc: outFeatures)
                }
                if let bias {
                    addToRows(float(bias.data) + columns.lowerBound, rows: items, columns: columns.count,
                              rowStride: outFeatures, into: float(output.data) + columns.lowerBound)
                }
                if rectified {
                    for row in 0..<items {
                        let values = output.data + row * outFeatures + columns.lowerBound
                        reluForward(values, into: values, count: columns.count)
                    }
                }
            }
        } else {
            let threads = productThreads(items: items)
            // A run of inference passes over a dense weight multiplies its full blocks of rows on
            // the weight packed in its first pass (as the column blocks above do); a partial last
            // block is not of the shape the product was made for, and runs on `linearGEMM`.
            let product = mode == .inference && weightSource is DenseWeightSource<Scalar> && Scalar.self == Float.self
                && items >= Self.rowsPerBlock && OneDNNGEMM.inferenceRowsOnOneDNN(inFeatures: inFeatures, outFeatures: outFeatures)
                ? rowProduct(threads: threads) : nil
            let packed = packedWeight(weight, for: product, threads: threads)
            EngineThreads.forEachBlock(of: items, blockSize: Self.rowsPerBlock, threads: threads) { thread, _, rows in
                if let product, let packed, rows.count == Self.rowsPerBlock {
                    product.multiply(operand.data + rows.lowerBound * inFeatures, packed.weights.data,
                                     into: float(output.data) + rows.lowerBound * outFeatures, thread: thread)
                } else {
                    linearGEMM(transposeA: false, transposeB: true, m: rows.count, n: outFeatures, k: inFeatures,
                               a: operand.data + rows.lowerBound * inFeatures, lda: inFeatures,
                               b: weight.data, ldb: inFeatures,
                               c: output.data + rows.lowerBound * outFeatures, ldc: outFeatures)
                }
                Self.finishRows(output.data + rows.lowerBound * outFeatures, rows: rows.count, columns: outFeatures,
                                bias: bias, rectified: rectified)
            }
        }
        return output
    }

    /// Adds `bias` to the `rows` full output rows at `block` and, where `rectified`, rectifies
    /// them: in the pass of the thread that multiplied the block, while its rows are in cache.
    static func finishRows(_ block: UnsafeMutablePointer<Scalar>, rows: Int, columns: Int, bias: Tensor<Scalar>?,
                           rectified: Bool) {
        if let bias { addRowBroadcast(bias.data, rows: rows, columns: columns, transposed: false, into: block) }
        if rectified { reluForward(block, into: block, count: rows * columns) }
    }

    /// oneDNN's Float product `x·W_blockᵀ` of a batch of `items` rows and one full block of
    /// output columns, with scratch space for `threads` callers, made on first use; `nil` where
    /// oneDNN has none.
    private func columnProduct(items: Int, threads: Int, packed: Bool) -> OneDNNMatmul? {
        if let made = madeColumnProducts[packed], made.items == items, made.threads >= threads { return made.product }
        let shape = MatmulShape(m: items, k: inFeatures, n: OneDNNGEMM.forwardColumns, aRowStride: inFeatures, aColumnStride: 1,
                                bRowStride: 1, bColumnStride: inFeatures)
        let product = OneDNNMatmul(shape: shape, operands: dnnl_f32, packsWeights: packed, threads: threads)
        madeColumnProducts[packed] = (items, threads, product)
        return product
    }

    /// oneDNN's Float product `x·Wᵀ` of one full block of rows and all output columns, reading
    /// the weight packed, with scratch space for `threads` callers, made on first use; `nil`
    /// where oneDNN has none.
    private func rowProduct(threads: Int) -> OneDNNMatmul? {
        if let made = madeRowProduct, made.threads >= threads { return made.product }
        let shape = MatmulShape(m: Self.rowsPerBlock, k: inFeatures, n: outFeatures, aRowStride: inFeatures, aColumnStride: 1,
                                bRowStride: 1, bColumnStride: inFeatures)
        let product = OneDNNMatmul(shape: shape, operands: dnnl_f32, packsWeights: true, threads: threads)
        madeRowProduct = (threads, product)
        return product
    }

    /// `weight` packed for `product`, in blocks of the product's output columns, each `stride`
    /// floats after the last, packed now unless this run of inference passes packed them from
    /// `weight` for a product of the same shape already; `nil` without a product.
    private func packedWeight(_ weight: Tensor<Scalar>, for product: OneDNNMatmul?,
                              threads: Int) -> (weights: Tensor<Float>, stride: Int)? {
        guard let product else { return nil }
        let inFeatures = inFeatures, columns = product.shape.n
        // Blocks start on 64-byte boundaries, as oneDNN's own buffers do.
        let stride = (product.packedWeightBytes / MemoryLayout<Float>.size + 15) / 16 * 16
        let packed = packedWeights.reuse(shape: [outFeatures / columns, stride])
        if packedWeightOf.map({ $0.weight != ObjectIdentifier(weight) || $0.shape != product.shape }) ?? true {
            EngineThreads.forEachBlock(of: outFeatures / columns, blockSize: 1, threads: threads) { thread, block, _ in
                product.pack(weight.data + block * columns * inFeatures, into: packed.data + block * stride, thread: thread)
            }
            packedWeightOf = (ObjectIdentifier(weight), product.shape)
        }
        return (packed, stride)
    }

    // dY [N, out] → dX [N, in] = dY·W (blocks of batch rows); dW [out, in] = dYᵀ·X (blocks of output
    // rows, so no thread shares a row and no reduction is needed).
    public func backward(_ gradient: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let input, let weight else { preconditionFailure("\(name): backward called before forward") }
        let items = input.shape[0]
        checkShape(gradient.shape == [items, outFeatures], name,
                   "output gradient \(gradient.shape) does not match the last output")
        if let (products, threads) = forwardProducts { return backwardOnBFloat16Kernels(gradient, products, threads: threads) }
        // The bias gradient is a sum, not a product: it reads the gradient as it is.
        let outputGradient = precision == .bfloat16 ? gradient.roundedToBFloat16(reusing: &roundedGradient) : gradient
        let inputGradient = self.inputGradient.reuse(shape: input.shape)
        let weightGradient = self.weightGradient.reuse(shape: weightSource.shape)
        let inFeatures = self.inFeatures, outFeatures = self.outFeatures, threads = productThreads(items: items)
        EngineThreads.forEachBlock(of: outFeatures, blockSize: Self.rowsPerBlock, threads: threads) { _, _, rows in
            linearGEMM(transposeA: true, transposeB: false, m: rows.count, n: inFeatures, k: items,
                       a: outputGradient.data + rows.lowerBound, lda: outFeatures,
                       b: input.data, ldb: inFeatures,
                       c: weightGradient.data + rows.lowerBound * inFeatures, ldc: inFeatures)
        }
        if computesInputGradient {
            EngineThreads.forEachBlock(of: items, blockSize: Self.rowsPerBlock, threads: threads) { _, _, rows in
                linearGEMM(transposeA: false, transposeB: false, m: rows.count, n: inFeatures, k: outFeatures,
                           a: outputGradient.data + rows.lowerBound * outFeatures, lda: outFeatures,
                           b: weight.data, ldb: inFeatures,
                           c: inputGradient.data + rows.lowerBound * inFeatures, ldc: inFeatures)
            }
        }
        weightSource.accumulateGradient(weightGradient)
        if let bias {
            addRowBroadcast(gradient.data, rows: items, columns: outFeatures, transposed: true, into: bias.gradient.data)
        }
        return inputGradient
    }
}
