/// The precision of the operands that convolutions and matrix products multiply.
///
/// Master weights, banks, optimiser state, batch norm and the loss always stay in the layer's
/// scalar type; only the inputs of the products change. With ``bfloat16`` a layer rounds its
/// input, its weight and the incoming gradient to bfloat16 (8 significant bits, `Float`'s
/// exponent range) and multiplies them with `Float` accumulation and `Float` output, the
/// numerics of a bf16 GEMM on hardware with `vdpbf16ps`. Unlike PyTorch's bf16 autocast, which
/// also stores each layer's output in bf16, activations stay `Float` between layers.
///
/// Channels-last convolutions and linear layers run on oneDNN's bf16 convolutions and matrix
/// products where oneDNN makes them for the CPU (AVX-512; `vdpbf16ps` with AVX512_BF16, where
/// issue #30 measured its convolutions at about twice the speed of its Float ones on an AMD
/// EPYC) and a measurement at the first bf16 layer finds them not clearly slower than its `Float`
/// ones (on an Intel Xeon without AMX they ran at about half the speed), and the choice prints
/// once. Everywhere else (those CPUs, CPUs without bf16 kernels, channels-first convolutions) the
/// rounding is computed and the products run in `Float`, no faster than ``float32``. The two paths multiply the same rounded operands,
/// and a product of two bfloat16 values is exact in `Float`, so they differ only in the order of
/// the sums (and in subnormal operands, which `vdpbf16ps` reads as zero).
public enum ComputePrecision: String, CaseIterable, Sendable {
    /// Operands as they are (the default).
    case float32 = "fp32"
    /// Operands rounded to bfloat16 (round to nearest, ties to even), products summed in `Float`.
    case bfloat16 = "bf16"
}
