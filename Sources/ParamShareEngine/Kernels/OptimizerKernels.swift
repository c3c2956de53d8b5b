/// One SGD step over `count` scalars, with PyTorch's semantics:
/// g ← grad + λ·w; b ← μ·b + (1 − dampening)·g (b ← g on the first step);
/// g ← g + μ·b with Nesterov, else g ← b; w ← w − lr·s·g, s the element's step scale (1 without one).
///
/// Each combination of momentum, Nesterov and step scale runs a loop of its own (the flags are
/// constants in each call of `sgdUpdate`), since a test per element kept the loop from being
/// vectorised: the scalar loop held 12 % of an MLP's training step. Without a step scale, the
/// update multiplies by `lr` alone, the bits of `lr · 1 · g`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func sgdStep<Scalar: EngineScalar>(
    weights w: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>,
    momentumBuffer b: UnsafeMutablePointer<Scalar>, count: Int,
    learningRate: Scalar, momentum: Scalar, dampening: Scalar, weightDecay: Scalar,
    nesterov: Bool, isFirstStep: Bool, stepScale: UnsafePointer<Scalar>? = nil
) {
    let step = SGDStep(weights: w, gradient: gradient, momentumBuffer: b, learningRate: learningRate, momentum: momentum,
                       keep: isFirstStep ? 0 : momentum, add: isFirstStep ? 1 : 1 - dampening, weightDecay: weightDecay,
                       stepScale: stepScale)
    switch (momentum == 0, nesterov, stepScale != nil) {
    case (true, _, false): step.update(count: count, momentum: false, nesterov: false, scaled: false)
    case (true, _, true): step.update(count: count, momentum: false, nesterov: false, scaled: true)
    case (false, false, false): step.update(count: count, momentum: true, nesterov: false, scaled: false)
    case (false, false, true): step.update(count: count, momentum: true, nesterov: false, scaled: true)
    case (false, true, false): step.update(count: count, momentum: true, nesterov: true, scaled: false)
    case (false, true, true): step.update(count: count, momentum: true, nesterov: true, scaled: true)
    }
}

/// The operands of `sgdStep`, and its loop.
private struct SGDStep<Scalar: EngineScalar> {
    let weights: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>, momentumBuffer: UnsafeMutablePointer<Scalar>
    let learningRate, momentum, keep, add, weightDecay: Scalar
    let stepScale: UnsafePointer<Scalar>?

    /// The loop for one combination of flags, each a constant where this is inlined.
    @inline(__always)
    func update(count: Int, momentum usesMomentum: Bool, nesterov: Bool, scaled: Bool) {
        let w = weights, b = momentumBuffer, scale = stepScale ?? UnsafePointer(weights)
        for i in 0..<count {
            let rate = scaled ? learningRate * scale[i] : learningRate
            let g = gradient[i] + weightDecay * w[i]
            guard usesMomentum else {
                w[i] -= rate * g
                continue
            }
            let buffer = keep * b[i] + add * g
            b[i] = buffer
            w[i] -= rate * (nesterov ? g + momentum * buffer : buffer)
        }
    }
}

/// One AdamW step (Loshchilov & Hutter), with PyTorch's semantics:
/// w ← w − lr·λ·w; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
/// w ← w − lr·(m/c₁)/(√(v/c₂) + ε), with cᵢ = 1 − βᵢᵗ the bias corrections; both terms with lr
/// are multiplied by the element's step scale (1 without one).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func adamWStep<Scalar: EngineScalar>(
    weights w: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>,
    firstMoment m: UnsafeMutablePointer<Scalar>, secondMoment v: UnsafeMutablePointer<Scalar>, count: Int,
    learningRate: Scalar, beta1: Scalar, beta2: Scalar, epsilon: Scalar, weightDecay: Scalar,
    biasCorrection1: Scalar, biasCorrection2: Scalar, stepScale: UnsafePointer<Scalar>? = nil
) {
    let stepSize = learningRate / biasCorrection1
    let sqrtCorrection2 = biasCorrection2.squareRoot()
    for i in 0..<count {
        // A scale of 1 multiplies exactly, so unscaled steps keep their bits.
        let scale = stepScale?[i] ?? 1
        let g = gradient[i]
        m[i] = beta1 * m[i] + (1 - beta1) * g
        v[i] = beta2 * v[i] + (1 - beta2) * g * g
        let denominator = v[i].squareRoot() / sqrtCorrection2 + epsilon
        w[i] = w[i] * (1 - learningRate * weightDecay * scale) - scale * stepSize * m[i] / denominator
    }
}
