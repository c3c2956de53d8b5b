/// The precision of the operands that convolutions and matrix products multiply.
///
/// Master weights, banks, optimiser state, batch norm and the loss always stay in the layer's
/// scalar type; only the inputs of the products change. With ``bfloat16`` a layer rounds its
/// input, its weight and the incoming gradient to bfloat16 (8 significant bits, `Float`'s
/// exponent range) and multiplies them with `Float` accumulation and `Float` output, the
/// numerics of a bf16 GEMM on hardware with `vdpbf16ps`. Unlike PyTorch's bf16 autocast, which
/// also stores each layer's output in bf16, activations stay `Float` between layers.
///
/// The rounding is computed, not delegated to bf16 instructions: a product of two bfloat16
/// values is exact in `Float`, so rounding the operands and multiplying in `Float` gives what a
/// bf16 kernel gives, up to the order of accumulation. It is the same on every CPU, and no
/// faster than ``float32``: it exists to study what bf16 training does to a result.
public enum ComputePrecision: String, CaseIterable, Sendable {
    /// Operands as they are (the default).
    case float32 = "fp32"
    /// Operands rounded to bfloat16 (round to nearest, ties to even), products summed in `Float`.
    case bfloat16 = "bf16"
}
