import ParamShareEngine

/// flatten → (linear → ReLU) per hidden width → linear classifier.
func buildMLP<Scalar: EngineScalar>(
    inputFeatures: Int, hiddenWidths: [Int], classes: Int, random: RandomSource
) -> Sequential<Scalar> {
    var layers: [any Layer<Scalar>] = [Flatten(name: "flatten")]
    var width = inputFeatures
    for (index, hidden) in hiddenWidths.enumerated() {
        let linear = Linear<Scalar>(name: "hidden\(index + 1)", inFeatures: width, outFeatures: hidden, random: random)
        linear.computesInputGradient = index > 0
        layers += [linear, ReLU(name: "hidden\(index + 1).relu")]
        width = hidden
    }
    let classifier = Linear<Scalar>(name: "classifier", inFeatures: width, outFeatures: classes, random: random)
    classifier.computesInputGradient = !hiddenWidths.isEmpty
    layers.append(classifier)
    return Sequential(name: "mlp", layers)
}
