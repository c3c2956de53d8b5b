import ParamShareEngine

/// LeNet-5 (LeCun et al. 1998) in its common modern form: two 5×5 convolutions (6 and 16
/// channels) with ReLU and 2×2 max pooling, then linear layers of 120 and 84 units.
///
/// The first convolution pads by 2 when the input is smaller than 32×32 (as for 28×28 MNIST
/// in the original), so 8×8 digits still leave a spatial map after both poolings.
func buildLeNet5<Scalar: EngineScalar>(inputShape: [Int], classes: Int, random: RandomSource) -> Sequential<Scalar> {
    let (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
    let padding = min(height, width) < 32 ? 2 : 0
    // conv 5×5 (pad p) → pool 2 → conv 5×5 → pool 2
    let afterFirst = ((height + 2 * padding - 4) / 2, (width + 2 * padding - 4) / 2)
    let afterSecond = (max((afterFirst.0 - 4) / 2, 0), max((afterFirst.1 - 4) / 2, 0))
    let secondPadding = afterSecond.0 == 0 || afterSecond.1 == 0 ? 2 : 0
    let spatial = ((afterFirst.0 + 2 * secondPadding - 4) / 2, (afterFirst.1 + 2 * secondPadding - 4) / 2)
    precondition(spatial.0 > 0 && spatial.1 > 0, "LeNet-5 needs inputs of at least 4×4, got \(height)×\(width)")
    let conv1 = Conv2D<Scalar>(name: "conv1", inChannels: channels, outChannels: 6, kernelSize: 5, padding: padding,
                               hasBias: true, random: random)
    conv1.computesInputGradient = false
    let layers: [any Layer<Scalar>] = [
        conv1, ReLU(name: "conv1.relu"), MaxPool2D(name: "pool1", kernelSize: 2),
        Conv2D<Scalar>(name: "conv2", inChannels: 6, outChannels: 16, kernelSize: 5, padding: secondPadding,
                       hasBias: true, random: random),
        ReLU(name: "conv2.relu"), MaxPool2D(name: "pool2", kernelSize: 2),
        Flatten(name: "flatten"),
        Linear<Scalar>(name: "fc1", inFeatures: 16 * spatial.0 * spatial.1, outFeatures: 120, random: random),
        ReLU(name: "fc1.relu"),
        Linear<Scalar>(name: "fc2", inFeatures: 120, outFeatures: 84, random: random),
        ReLU(name: "fc2.relu"),
        Linear<Scalar>(name: "classifier", inFeatures: 84, outFeatures: classes, random: random),
    ]
    return Sequential(name: "lenet5", layers)
}
