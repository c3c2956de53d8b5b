import ParamShareEngine

/// He et al. (2016), section 4.2: a 3×3 stem, three stages of `n` basic blocks at widths
/// 16k, 32k and 64k (the second and third starting with stride 2), global average pooling and
/// a linear classifier: 6n + 2 weighted layers. Shortcuts are option A (subsample and zero-pad),
/// so the block convolutions are the only weights besides the stem and the classifier.
///
/// Convolutions are initialised Kaiming-normal with fan-out, as torchvision's ResNets are.
func describeCIFARResNet(inputShape: [Int], blocksPerStage: Int, widthMultiplier: Int, classes: Int) -> ModelDescription {
    let convInit = KaimingInitialization(distribution: .normal, mode: .fanOut)
    func conv(_ name: String, role: WeightedLayer.Role, stage: Int?, block: Int?, _ inputs: Int, _ outputs: Int,
              stride: Int = 1) -> LayerDescription {
        .weighted(WeightedLayer(name: name, role: role, stage: stage, block: block,
                                kind: .convolution(kernelSize: 3, stride: stride, padding: 1),
                                inputs: inputs, outputs: outputs, hasBias: false, initialization: convInit))
    }
    let widths = [16, 32, 64].map { $0 * widthMultiplier }
    var layers: [LayerDescription] = [
        conv("stem.conv", role: .stem, stage: nil, block: nil, inputShape[0], widths[0]),
        .batchNorm(name: "stem.bn", channels: widths[0]), .relu(name: "stem.relu"),
    ]
    var channels = widths[0]
    for (index, width) in widths.enumerated() {
        let stage = index + 1
        for block in 0..<blocksPerStage {
            let name = "stage\(stage).block\(block)"
            let stride = stage > 1 && block == 0 ? 2 : 1
            let body: [LayerDescription] = [
                conv("\(name).conv1", role: .body, stage: stage, block: block, channels, width, stride: stride),
                .batchNorm(name: "\(name).bn1", channels: width), .relu(name: "\(name).relu1"),
                conv("\(name).conv2", role: .body, stage: stage, block: block, width, width),
                .batchNorm(name: "\(name).bn2", channels: width),
            ]
            let shortcut: LayerDescription? = stride != 1 || channels != width
                ? .subsampleShortcut(name: "\(name).shortcut", inChannels: channels, outChannels: width, stride: stride)
                : nil
            layers += [.residual(name: name, body: body, shortcut: shortcut), .relu(name: "\(name).relu")]
            channels = width
        }
    }
    layers += [
        .globalAveragePool(name: "pool"),
        .weighted(WeightedLayer(name: "classifier", role: .classifier, kind: .linear, inputs: channels, outputs: classes,
                                hasBias: true)),
    ]
    let depth = 6 * blocksPerStage + 2
    return ModelDescription(name: widthMultiplier == 1 ? "resnet\(depth)" : "resnet\(depth)x\(widthMultiplier)",
                            inputShape: inputShape, classes: classes, layers: layers)
}
