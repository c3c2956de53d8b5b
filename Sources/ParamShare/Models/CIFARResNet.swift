import ParamShareEngine

/// He et al. (2016), section 4.2: a 3×3 stem, three stages of `n` basic blocks at widths
/// 16k, 32k and 64k (the second and third starting with stride 2), global average pooling and
/// a linear classifier: 6n + 2 weighted layers. Shortcuts are option A (subsample and zero-pad),
/// so the block convolutions are the only weights besides the stem and the classifier.
///
/// Convolutions are initialised Kaiming-normal with fan-out, as torchvision's ResNets are.
func buildCIFARResNet<Scalar: EngineScalar>(
    inputChannels: Int, blocksPerStage: Int, widthMultiplier: Int, classes: Int, random: RandomSource
) -> Sequential<Scalar> {
    let convInit = KaimingInitialization(distribution: .normal, mode: .fanOut)
    func conv(_ name: String, _ inChannels: Int, _ outChannels: Int, stride: Int = 1) -> Conv2D<Scalar> {
        Conv2D(name: name, inChannels: inChannels, outChannels: outChannels, kernelSize: 3, stride: stride,
               padding: 1, initialization: convInit, random: random)
    }
    let widths = [16, 32, 64].map { $0 * widthMultiplier }
    let stem = conv("stem.conv", inputChannels, widths[0])
    stem.computesInputGradient = false
    var layers: [any Layer<Scalar>] = [stem, BatchNorm(name: "stem.bn", channels: widths[0]), ReLU(name: "stem.relu")]
    var channels = widths[0]
    for (stage, width) in widths.enumerated() {
        for block in 0..<blocksPerStage {
            let name = "stage\(stage + 1).block\(block)"
            let stride = stage > 0 && block == 0 ? 2 : 1
            let body = Sequential<Scalar>(name: "\(name).body", [
                conv("\(name).conv1", channels, width, stride: stride), BatchNorm(name: "\(name).bn1", channels: width),
                ReLU(name: "\(name).relu1"),
                conv("\(name).conv2", width, width), BatchNorm(name: "\(name).bn2", channels: width),
            ])
            let shortcut: (any Layer<Scalar>)? = stride != 1 || channels != width
                ? SubsampleShortcut(name: "\(name).shortcut", inChannels: channels, outChannels: width, stride: stride)
                : nil
            layers += [ResidualBlock(name: name, body: body, shortcut: shortcut), ReLU(name: "\(name).relu")]
            channels = width
        }
    }
    layers += [
        GlobalAveragePool(name: "pool"),
        Linear<Scalar>(name: "classifier", inFeatures: channels, outFeatures: classes, random: random),
    ]
    return Sequential(name: "resnet\(6 * blocksPerStage + 2)", layers)
}
