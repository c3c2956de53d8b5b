import ParamShareEngine

/// LeNet-5 (LeCun et al. 1998) in its common modern form: two 5×5 convolutions (6 and 16
/// channels) with ReLU and 2×2 max pooling, then linear layers of 120 and 84 units.
///
/// Inputs smaller than 32×32 get a padding of 2 on the first convolution (as 28×28 MNIST did
/// in the original), and on the second too if the map would otherwise vanish, so 8×8 digits
/// still leave a 2×2 map for the linear layers.
func describeLeNet5(inputShape: [Int], classes: Int) -> ModelDescription {
    let (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
    // 5×5 convolution with padding p, then 2×2 pooling.
    func convolvedAndPooled(_ size: Int, padding: Int) -> Int { (size + 2 * padding - 4) / 2 }
    let firstPadding = min(height, width) < 32 ? 2 : 0
    let afterFirst = (convolvedAndPooled(height, padding: firstPadding), convolvedAndPooled(width, padding: firstPadding))
    let secondPadding = min(afterFirst.0, afterFirst.1) < 6 ? 2 : 0
    let spatial = (convolvedAndPooled(afterFirst.0, padding: secondPadding), convolvedAndPooled(afterFirst.1, padding: secondPadding))
    precondition(spatial.0 > 0 && spatial.1 > 0, "LeNet-5 needs inputs of at least 4×4, got \(height)×\(width)")
    func conv(_ name: String, role: WeightedLayer.Role, _ inputs: Int, _ outputs: Int, padding: Int) -> LayerDescription {
        .weighted(WeightedLayer(name: name, role: role, kind: .convolution(kernelSize: 5, stride: 1, padding: padding),
                                inputs: inputs, outputs: outputs, hasBias: true))
    }
    func linear(_ name: String, role: WeightedLayer.Role, _ inputs: Int, _ outputs: Int) -> LayerDescription {
        .weighted(WeightedLayer(name: name, role: role, kind: .linear, inputs: inputs, outputs: outputs, hasBias: true))
    }
    let layers: [LayerDescription] = [
        conv("conv1", role: .stem, channels, 6, padding: firstPadding), .relu(name: "conv1.relu"), .maxPool(name: "pool1", kernelSize: 2, stride: 2, padding: 0),
        conv("conv2", role: .body, 6, 16, padding: secondPadding), .relu(name: "conv2.relu"), .maxPool(name: "pool2", kernelSize: 2, stride: 2, padding: 0),
        .flatten(name: "flatten"),
        linear("fc1", role: .hidden, 16 * spatial.0 * spatial.1, 120), .relu(name: "fc1.relu"),
        linear("fc2", role: .hidden, 120, 84), .relu(name: "fc2.relu"),
        linear("classifier", role: .classifier, 84, classes),
    ]
    return ModelDescription(name: "lenet5", inputShape: inputShape, classes: classes, layers: layers)
}
