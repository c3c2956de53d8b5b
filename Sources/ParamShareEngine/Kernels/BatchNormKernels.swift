import RealModule

/// The layout a batch-norm kernel sees: `[items, channels, plane]`, with statistics per channel
/// over `items × plane` values (plane = 1 for 1-d batch norm).
struct ChannelLayout: Sendable {
    var items: Int, channels: Int, plane: Int
    var valuesPerChannel: Int { items * plane }

    func row(_ item: Int, _ channel: Int) -> Int { (item * channels + channel) * plane }
}

/// Training-mode batch norm over `channelRange`: normalises with the batch statistics, stores
/// each channel's mean and reciprocal standard deviation for the backward pass, and moves the
/// running statistics by `momentum` as PyTorch does (the running variance is the unbiased one).
///
/// Statistics are computed in two passes (mean, then squared deviations), which loses far
/// less precision than the one-pass `E[x²] − E[x]²` on activations with a large mean.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func batchNormTrainingForward<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, _ layout: ChannelLayout, channelRange: Range<Int>,
    gamma: UnsafePointer<Scalar>, beta: UnsafePointer<Scalar>, epsilon: Scalar,
    momentum: Scalar, runningMean: UnsafeMutablePointer<Scalar>, runningVariance: UnsafeMutablePointer<Scalar>,
    mean: UnsafeMutablePointer<Scalar>, reciprocalStd: UnsafeMutablePointer<Scalar>,
    into y: UnsafeMutablePointer<Scalar>
) {
    let m = Scalar(layout.valuesPerChannel)
    for c in channelRange {
        var sum: Scalar = 0
        for item in 0..<layout.items {
            let row = x + layout.row(item, c)
            for i in 0..<layout.plane { sum = Relaxed.sum(sum, row[i]) }
        }
        let mu = sum / m
        var squares: Scalar = 0
        for item in 0..<layout.items {
            let row = x + layout.row(item, c)
            for i in 0..<layout.plane {
                let d = row[i] - mu
                squares = Relaxed.multiplyAdd(d, d, squares)
            }
        }
        let biasedVariance = squares / m
        let rstd = 1 / (biasedVariance + epsilon).squareRoot()
        mean[c] = mu
        reciprocalStd[c] = rstd
        let unbiasedVariance = m > 1 ? squares / (m - 1) : biasedVariance
        runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mu
        runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * unbiasedVariance
        let scale = gamma[c] * rstd, shift = beta[c] - mu * scale
        for item in 0..<layout.items {
            let row = x + layout.row(item, c), out = y + layout.row(item, c)
            for i in 0..<layout.plane { out[i] = Relaxed.multiplyAdd(row[i], scale, shift) }
        }
    }
}

/// Folds γ, β and the running statistics into one affine map per channel:
/// scale = γ/√(σ²_run + ε), shift = β − μ_run·scale; `reciprocalStd` gets 1/√(σ²_run + ε).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func foldRunningStatistics<Scalar: EngineScalar>(
    channels: Int, gamma: UnsafePointer<Scalar>, beta: UnsafePointer<Scalar>,
    runningMean: UnsafePointer<Scalar>, runningVariance: UnsafePointer<Scalar>, epsilon: Scalar,
    scale: UnsafeMutablePointer<Scalar>, shift: UnsafeMutablePointer<Scalar>,
    reciprocalStd: UnsafeMutablePointer<Scalar>
) {
    for c in 0..<channels {
        let r = 1 / (runningVariance[c] + epsilon).squareRoot()
        reciprocalStd[c] = r
        scale[c] = gamma[c] * r
        shift[c] = beta[c] - runningMean[c] * scale[c]
    }
}

/// `y = x · scale[c] + shift[c]`: evaluation-mode batch norm with the running statistics folded in.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelAffine<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, _ layout: ChannelLayout, channelRange: Range<Int>,
    scale: UnsafePointer<Scalar>, shift: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>
) {
    for c in channelRange {
        let a = scale[c], b = shift[c]
        for item in 0..<layout.items {
            let row = x + layout.row(item, c), out = y + layout.row(item, c)
            for i in 0..<layout.plane { out[i] = Relaxed.multiplyAdd(row[i], a, b) }
        }
    }
}

/// Backward of training-mode batch norm over `channelRange`.
///
/// With x̂ = (x − μ)·r and M values per channel:
/// dγ += Σ dy·x̂, dβ += Σ dy, dx = γ·r·(dy − Σdy/M − x̂·Σ(dy·x̂)/M).
/// x̂ is recomputed from the cached input, mean and r rather than stored.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func batchNormTrainingBackward<Scalar: EngineScalar>(
    input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, _ layout: ChannelLayout,
    channelRange: Range<Int>, gamma: UnsafePointer<Scalar>,
    mean: UnsafePointer<Scalar>, reciprocalStd: UnsafePointer<Scalar>,
    gammaGradient: UnsafeMutablePointer<Scalar>, betaGradient: UnsafeMutablePointer<Scalar>,
    into dx: UnsafeMutablePointer<Scalar>
) {
    let m = Scalar(layout.valuesPerChannel)
    for c in channelRange {
        let mu = mean[c], r = reciprocalStd[c]
        var sumDy: Scalar = 0, sumDyXhat: Scalar = 0
        for item in 0..<layout.items {
            let row = x + layout.row(item, c), grad = dy + layout.row(item, c)
            for i in 0..<layout.plane {
                sumDy = Relaxed.sum(sumDy, grad[i])
                sumDyXhat = Relaxed.multiplyAdd(grad[i], (row[i] - mu) * r, sumDyXhat)
            }
        }
        gammaGradient[c] += sumDyXhat
        betaGradient[c] += sumDy
        let k = gamma[c] * r, meanDy = sumDy / m, meanDyXhat = sumDyXhat / m
        for item in 0..<layout.items {
            let row = x + layout.row(item, c), grad = dy + layout.row(item, c), out = dx + layout.row(item, c)
            for i in 0..<layout.plane {
                let xhat = (row[i] - mu) * r
                out[i] = k * (grad[i] - meanDy - xhat * meanDyXhat)
            }
        }
    }
}

/// Backward of evaluation-mode batch norm (fixed statistics): dγ += Σ dy·x̂, dβ += Σ dy, dx = dy·scale.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func batchNormEvaluationBackward<Scalar: EngineScalar>(
    input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, _ layout: ChannelLayout,
    channelRange: Range<Int>, scale: UnsafePointer<Scalar>,
    runningMean: UnsafePointer<Scalar>, reciprocalStd: UnsafePointer<Scalar>,
    gammaGradient: UnsafeMutablePointer<Scalar>, betaGradient: UnsafeMutablePointer<Scalar>,
    into dx: UnsafeMutablePointer<Scalar>
) {
    for c in channelRange {
        let mu = runningMean[c], r = reciprocalStd[c], a = scale[c]
        var sumDy: Scalar = 0, sumDyXhat: Scalar = 0
        for item in 0..<layout.items {
            let row = x + layout.row(item, c), grad = dy + layout.row(item, c), out = dx + layout.row(item, c)
            for i in 0..<layout.plane {
                sumDy = Relaxed.sum(sumDy, grad[i])
                sumDyXhat = Relaxed.multiplyAdd(grad[i], (row[i] - mu) * r, sumDyXhat)
                out[i] = grad[i] * a
            }
        }
        gammaGradient[c] += sumDyXhat
        betaGradient[c] += sumDy
    }
}
