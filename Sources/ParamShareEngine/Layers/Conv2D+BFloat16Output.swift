/// A convolution's output stored in bf16, for the batch norm after it, in bf16 training, on
/// oneDNN's bf16 kernels and in the emulation alike.
///
/// PyTorch's autocast keeps a bf16 convolution's output in bf16, and its batch norm reads that.
/// Kept in `Float`, the output is a network's largest activation: written by the convolution,
/// read three times by the batch norm's forward pass (two sums and the map) and twice by its
/// backward pass, and kept from forward to backward. Where a channels-last convolution on
/// oneDNN's kernels without a bias is followed by a batch norm (with its ReLU, or as a
/// residual body's last, with the block's sum), oneDNN's bf16 kernels write the output rounded
/// to bfloat16 (to nearest, ties to even) in half the bytes (the emulation rounds each block's
/// `Float` output so, into the same buffer), and the batch norm reads those values as the
/// `Float`s they stand for, keeping its statistics, sums and parameters in `Float`
/// (``BatchNorm/forwardRectified(_:mode:adding:converting:writesOutput:inputInBFloat16:)``).
/// This changes the numerics: the batch norm normalises the rounded output, as autocast's does.
extension Conv2D {
    /// Whether ``forwardStoringBFloat16(_:)`` takes images of `shape`: a training or evaluation
    /// pass that reads them as bfloat16 (``readsBFloat16Images(ofShape:)``), without a bias, on
    /// bf16 kernels that can write bf16 or on the emulation's `Float` kernels, whose output
    /// blocks the layer rounds itself (to nearest, ties to even, as oneDNN does).
    func storesBFloat16Output(forInputShape shape: [Int]) -> Bool {
        guard storesOutputInBFloat16, bias == nil, readsBFloat16Images(ofShape: shape),
              let kernels = oneDNNKernels(items: shape[0], geometry(for: shape), threads: EngineThreads.count)
        else { return false }
        return kernels.values.allSatisfy { $0.convertsOutput || $0.operands == .float32 }
    }

    /// The training or evaluation pass, with the output stored only rounded to bfloat16. Returns a
    /// stand-in of the output's shape over the memory of those values, which nobody may read as
    /// `Float`: only a batch norm told so reads it (`inputInBFloat16`). Backward is as after
    /// ``forward(_:mode:)``.
    func forwardStoringBFloat16(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(storesBFloat16Output(forInputShape: input.shape), "\(name): does not store its output in bf16")
        return forwardChannelsLast(input, geometry(for: input.shape), storingBFloat16: true)
    }

    /// The buffer of a bf16 output of `shape`, in this layer's `storedOutput` (reused from pass to
    /// pass), and a stand-in of `shape` over it.
    func storedOutputBuffer(shape: [Int]) -> (buffer: BFloat16Buffer, standIn: Tensor<Scalar>) {
        let count = shape.reduce(1, *)
        let memory = storedOutput.reuse(shape: [(count + 1) / 2])
        return (BFloat16Buffer(over: memory), Tensor(shape: shape, standingInOver: memory))
    }
}
