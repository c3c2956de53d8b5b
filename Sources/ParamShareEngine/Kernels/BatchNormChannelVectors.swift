import CEngineKernels

/// A channels-last batch norm's per-channel vectors, as the C row kernels take them
/// (`BatchNormRows.h`): `mean` and `reciprocalStd` always; `scale` and `shift` (the forward
/// pass's affine map) where the kernel computes the gradient of the ReLU after the batch norm
/// too; `factor`, `meanDy` and `meanDyXhat` where it computes the input gradient.
struct BatchNormChannelVectors<Scalar: EngineScalar> {
    var channels: Int
    var mean: UnsafePointer<Scalar>
    var reciprocalStd: UnsafePointer<Scalar>? = nil
    var scale: UnsafePointer<Scalar>? = nil
    var shift: UnsafePointer<Scalar>? = nil
    var factor: UnsafePointer<Scalar>? = nil
    var meanDy: UnsafePointer<Scalar>? = nil
    var meanDyXhat: UnsafePointer<Scalar>? = nil

    /// The vectors for the `_f32` and `_bf16` kernels. `Scalar` must be `Float`.
    var float: paramshare_batch_norm_channels_f32 {
        precondition(Scalar.self == Float.self, "the f32 kernels take Float vectors")
        return paramshare_batch_norm_channels_f32(
            channels: channels, mean: rebound(mean), reciprocal_std: reciprocalStd.map(rebound), scale: scale.map(rebound),
            shift: shift.map(rebound), factor: factor.map(rebound), mean_dy: meanDy.map(rebound), mean_dy_xhat: meanDyXhat.map(rebound))
    }

    /// The vectors for the `_f64` kernels. `Scalar` must be `Double`.
    var double: paramshare_batch_norm_channels_f64 {
        precondition(Scalar.self == Double.self, "the f64 kernels take Double vectors")
        return paramshare_batch_norm_channels_f64(
            channels: channels, mean: rebound(mean), reciprocal_std: reciprocalStd.map(rebound), scale: scale.map(rebound),
            shift: shift.map(rebound), factor: factor.map(rebound), mean_dy: meanDy.map(rebound), mean_dy_xhat: meanDyXhat.map(rebound))
    }

    /// Calls the kernel for `Scalar`: `float` with the vectors and values seen as `Float`, or
    /// `double` with them seen as `Double` (the engine's two scalar types).
    func call(
        float: (inout paramshare_batch_norm_channels_f32) -> Void,
        double: (inout paramshare_batch_norm_channels_f64) -> Void
    ) {
        if Scalar.self == Float.self {
            var vectors = self.float
            float(&vectors)
        } else {
            var vectors = self.double
            double(&vectors)
        }
    }
}

/// The same memory seen as `T`, which it is wherever this is called (a kernel's `Scalar` checked
/// to be `T`).
func rebound<Scalar, T>(_ pointer: UnsafePointer<Scalar>) -> UnsafePointer<T> {
    UnsafeRawPointer(pointer).assumingMemoryBound(to: T.self)
}

func rebound<Scalar, T>(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<T> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: T.self)
}
