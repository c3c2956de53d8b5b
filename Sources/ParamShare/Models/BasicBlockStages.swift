import ParamShareEngine

/// What the CIFAR and ImageNet ResNets share after their stems (He et al. 2016): stages of
/// basic blocks, then global average pooling and a linear classifier.
///
/// Stage s holds `blocksPerStage[s]` blocks at `widths[s]` channels; the first block of every
/// stage but the first strides 2. A block is two 3×3 convolutions, each followed by batch norm
/// (a ReLU between them), whose sum with the shortcut is rectified. Where a block changes the
/// shape, `shortcut(name, stage, block, inputs, outputs, stride)` makes its shortcut: option A
/// (subsample and zero-pad) or option B (a 1×1 convolution and batch norm). Convolutions are
/// initialised Kaiming-normal with fan-out, as torchvision's ResNets are.
func basicBlockStagesAndClassifier(widths: [Int], blocksPerStage: [Int], inputs: Int, classes: Int,
                                   shortcut: (String, Int, Int, Int, Int, Int) -> LayerDescription) -> [LayerDescription] {
    func conv(_ name: String, stage: Int, block: Int, _ inputs: Int, _ outputs: Int, stride: Int = 1) -> LayerDescription {
        .weighted(WeightedLayer(name: name, role: .body, stage: stage, block: block,
                                kind: .convolution(kernelSize: 3, stride: stride, padding: 1), inputs: inputs, outputs: outputs,
                                hasBias: false, initialization: KaimingInitialization(distribution: .normal, mode: .fanOut)))
    }
    var layers = [LayerDescription](), channels = inputs
    for (index, (width, blocks)) in zip(widths, blocksPerStage).enumerated() {
        let stage = index + 1
        for block in 0..<blocks {
            let name = "stage\(stage).block\(block)"
            let stride = stage > 1 && block == 0 ? 2 : 1
            let body: [LayerDescription] = [
                conv("\(name).conv1", stage: stage, block: block, channels, width, stride: stride),
                .batchNorm(name: "\(name).bn1", channels: width), .relu(name: "\(name).relu1"),
                conv("\(name).conv2", stage: stage, block: block, width, width),
                .batchNorm(name: "\(name).bn2", channels: width),
            ]
            let blockShortcut = stride != 1 || channels != width ? shortcut("\(name).shortcut", stage, block, channels, width, stride) : nil
            layers += [.residual(name: name, body: body, shortcut: blockShortcut), .relu(name: "\(name).relu")]
            channels = width
        }
    }
    return layers + [
        .globalAveragePool(name: "pool"),
        .weighted(WeightedLayer(name: "classifier", role: .classifier, kind: .linear, inputs: channels, outputs: classes, hasBias: true)),
    ]
}
