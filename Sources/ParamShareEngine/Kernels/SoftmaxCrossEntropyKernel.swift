/// Softmax cross-entropy against label-smoothed targets, for a batch of logits `[items, classes]`.
///
/// The target is `q = (1 − ε)·onehot(label) + ε/classes`. Per item,
/// loss = logΣexp(z) − Σ q·z, computed after subtracting the row maximum so that exp never
/// overflows. Writes dL/dz = (softmax(z) − q)/items for the mean loss, and returns the summed
/// loss (in Double, whatever the scalar) and the number of items whose arg-max is the label.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func softmaxCrossEntropy<Scalar: EngineScalar>(
    logits: UnsafePointer<Scalar>, labels: UnsafePointer<Int32>, items: Int, classes: Int,
    labelSmoothing: Scalar, gradient: UnsafeMutablePointer<Scalar>
) -> (lossSum: Double, correct: Int) {
    var lossSum = 0.0
    var correct = 0
    let offTarget = labelSmoothing / Scalar(classes)
    let onTarget = 1 - labelSmoothing + offTarget
    let invItems = 1 / Scalar(items)
    for item in 0..<items {
        let z = logits + item * classes, g = gradient + item * classes
        let label = Int(labels[item])
        var maxIndex = 0
        for j in 1..<classes where z[j] > z[maxIndex] { maxIndex = j }
        if maxIndex == label { correct += 1 }
        let zMax = z[maxIndex]
        var expSum: Scalar = 0
        for j in 0..<classes {
            let e = Scalar.exp(z[j] - zMax)
            g[j] = e
            expSum += e
        }
        let logSumExp = zMax + Scalar.log(expSum)
        var targetDotZ: Scalar = 0
        for j in 0..<classes {
            let q = j == label ? onTarget : offTarget
            targetDotZ += q * z[j]
            g[j] = (g[j] / expSum - q) * invItems
        }
        lossSum += Double(logSumExp - targetDotZ)
    }
    return (lossSum, correct)
}
