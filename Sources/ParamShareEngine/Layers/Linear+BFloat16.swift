import CDNNL

/// A linear layer's passes on oneDNN's bf16 matrix products, where oneDNN makes them for the CPU
/// and ``BFloat16KernelChoice`` takes bf16 kernels.
///
/// The input, the weight and the output gradient are rounded to bfloat16 by the engine's own
/// rounding (the emulation's, so both paths multiply the same operands), once per pass, and
/// multiplied in the emulation's blocks of rows with `Float` sums: results do not depend on the
/// thread count. The weight is made in `Float` by its source and converted once per forward
/// pass (a dense weight once per run of inference passes); the bf16 input is kept for the weight
/// gradient.
extension Linear {
    /// Whether the rounded weight from the last pass is that of `weight` as it is now, so that this
    /// pass may skip rounding it again; records `weight` as the one the caller now rounds.
    ///
    /// Rounding the MLP's 1.7 M weights cost as much as its bf16 products in an inference pass of
    /// 128 images. Only inference passes keep a rounding, and only of a dense weight: any other
    /// pass (training, or evaluation, which a backward pass may follow and a gradient check
    /// perturbs the weights around) forgets it, so no optimiser step can leave a stale rounding
    /// behind; a generated weight is made anew in a reused buffer every pass.
    func roundedWeightIsCurrent(_ weight: Tensor<Scalar>, mode: ForwardMode, onKernels: Bool) -> Bool {
        guard mode == .inference, weightSource is DenseWeightSource<Scalar> else {
            roundedWeightOf = nil
            return false
        }
        let key = (ObjectIdentifier(weight), onKernels)
        defer { roundedWeightOf = key }
        return roundedWeightOf.map { $0 == key } ?? false
    }

    /// oneDNN's bf16 products for a batch of `items` rows on `threads` threads, made on first
    /// use; `nil` where oneDNN lacks one of them, and the emulation runs.
    func bfloat16Products(items: Int, threads: Int) -> LinearBFloat16Products? {
        if let cached = madeBFloat16Products, cached.items == items, cached.threads >= threads { return cached.products }
        let products = LinearBFloat16Products(items: items, inFeatures: inFeatures, outFeatures: outFeatures,
                                              rowsPerBlock: Self.rowsPerBlock, threads: threads)
        madeBFloat16Products = (items, threads, products)
        return products
    }

    // x [N, in] → y [N, out] = x·Wᵀ + b, per block of batch rows, rectified where `rectified`.
    func forwardOnBFloat16Kernels(_ input: Tensor<Scalar>, _ products: LinearBFloat16Products, threads: Int,
                                  mode: ForwardMode, rectified: Bool) -> Tensor<Scalar> {
        let items = input.shape[0], inFeatures = self.inFeatures, outFeatures = self.outFeatures
        let output = self.output.reuse(shape: [items, outFeatures])
        let weight = weightSource.weight()
        self.input = input
        self.weight = weight
        forwardProducts = (products, threads)
        if !roundedWeightIsCurrent(weight, mode: mode, onKernels: true) {
            weightBits.convert(float(weight.data), count: weight.count)
        }
        inputBits.convert(float(input.data), count: input.count)
        let x = inputBits, w = weightBits, bias = bias?.value
        EngineThreads.forEachBlock(of: items, blockSize: Self.rowsPerBlock, threads: threads) { thread, _, rows in
            let block = output.data + rows.lowerBound * outFeatures
            products.forward[rows.count]!.multiply(x.data + rows.lowerBound * inFeatures, w.data, into: float(block), thread: thread)
            Self.finishRows(block, rows: rows.count, columns: outFeatures, bias: bias, rectified: rectified)
        }
        return output
    }

    // dY [N, out] → dW [out, in] = dYᵀ·X (blocks of output rows), dX [N, in] = dY·W (blocks of batch rows).
    func backwardOnBFloat16Kernels(_ gradient: Tensor<Scalar>, _ products: LinearBFloat16Products, threads: Int) -> Tensor<Scalar> {
        let items = gradient.shape[0], inFeatures = self.inFeatures, outFeatures = self.outFeatures
        let inputGradient = self.inputGradient.reuse(shape: [items, inFeatures])
        let weightGradient = self.weightGradient.reuse(shape: weightSource.shape)
        gradientBits.convert(float(gradient.data), count: gradient.count)
        let x = inputBits, w = weightBits, dy = gradientBits
        EngineThreads.forEachBlock(of: outFeatures, blockSize: Self.rowsPerBlock, threads: threads) { thread, _, rows in
            products.weightGradient[rows.count]!.multiply(dy.data + rows.lowerBound, x.data,
                                                          into: float(weightGradient.data) + rows.lowerBound * inFeatures,
                                                          thread: thread)
        }
        if computesInputGradient {
            EngineThreads.forEachBlock(of: items, blockSize: Self.rowsPerBlock, threads: threads) { thread, _, rows in
                products.inputGradient[rows.count]!.multiply(dy.data + rows.lowerBound * outFeatures, w.data,
                                                             into: float(inputGradient.data) + rows.lowerBound * inFeatures,
                                                             thread: thread)
            }
        }
        weightSource.accumulateGradient(weightGradient)
        // The bias gradient is a sum, not a product: it reads the gradient as it is.
        if let bias {
            addRowBroadcast(gradient.data, rows: items, columns: outFeatures, transposed: true, into: bias.gradient.data)
        }
        return inputGradient
    }
}

/// oneDNN's bf16 matrix products of a linear layer for one batch size, by rows per block: the
/// forward's `x·Wᵀ` and the input gradient's `dY·W` over blocks of batch rows, the weight
/// gradient's `dYᵀ·X` over blocks of output rows.
struct LinearBFloat16Products: @unchecked Sendable {
    let forward: [Int: OneDNNMatmul]
    let inputGradient: [Int: OneDNNMatmul]
    let weightGradient: [Int: OneDNNMatmul]

    /// `nil` where oneDNN lacks one of them; the forward product of the largest block, or the
    /// products' absence, is announced.
    init?(items: Int, inFeatures: Int, outFeatures: Int, rowsPerBlock: Int, threads: Int) {
        func blocks(of count: Int) -> [Int] { Array(Set([min(count, rowsPerBlock), count % rowsPerBlock]).subtracting([0])) }
        func products(_ shape: (Int) -> MatmulShape, over count: Int) -> [Int: OneDNNMatmul]? {
            var products: [Int: OneDNNMatmul] = [:]
            for rows in blocks(of: count) {
                guard let product = OneDNNMatmul(shape: shape(rows), operands: dnnl_bf16, threads: threads) else { return nil }
                products[rows] = product
            }
            return products
        }
        let (i, o) = (inFeatures, outFeatures)
        let forward = products({ MatmulShape(m: $0, k: i, n: o, aRowStride: i, aColumnStride: 1, bRowStride: 1, bColumnStride: i) },
                               over: items)
        let inputGradient = products({ MatmulShape(m: $0, k: o, n: i, aRowStride: o, aColumnStride: 1, bRowStride: i, bColumnStride: 1) },
                                     over: items)
        let weightGradient = products({ MatmulShape(m: $0, k: items, n: i, aRowStride: 1, aColumnStride: o, bRowStride: i,
                                                    bColumnStride: 1) }, over: outFeatures)
        guard let forward, let inputGradient, let weightGradient else {
            OneDNNMatmul.announceBFloat16(nil)
            return nil
        }
        OneDNNMatmul.announceBFloat16(forward.max { $0.key < $1.key }?.value)
        self.forward = forward
        self.inputGradient = inputGradient
        self.weightGradient = weightGradient
    }
}
