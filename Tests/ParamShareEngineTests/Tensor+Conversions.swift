@testable import ParamShareEngine

// The conversions the engine's tests compare through, in one place.

/// `tensor`'s values in `Double`, for references computed in `Double`.
func double(_ tensor: Tensor<Float>) -> Tensor<Double> {
    Tensor(shape: tensor.shape, scalars: tensor.scalars.map(Double.init))
}

/// A copy of `tensor` rounded to bfloat16 and kept in `Float`: the operands a bf16 kernel reads.
func rounded(_ tensor: Tensor<Float>) -> Tensor<Float> {
    let result = Tensor<Float>(shape: tensor.shape)
    roundToBFloat16(tensor.data, count: tensor.count, into: result.data)
    return result
}
