import ParamShareEngine

/// He et al. (2016), section 4.2: a 3×3 stem, three stages of `n` basic blocks at widths
/// 16k, 32k and 64k (the second and third starting with stride 2), global average pooling and
/// a linear classifier: 6n + 2 weighted layers. Shortcuts are option A (subsample and zero-pad),
/// so the block convolutions are the only weights besides the stem and the classifier.
///
/// Convolutions are initialised Kaiming-normal with fan-out, as torchvision's ResNets are.
func describeCIFARResNet(inputShape: [Int], blocksPerStage: Int, widthMultiplier: Int, classes: Int) -> ModelDescription {
    let widths = [16, 32, 64].map { $0 * widthMultiplier }
    var layers: [LayerDescription] = [
        .weighted(WeightedLayer(name: "stem.conv", role: .stem, kind: .convolution(kernelSize: 3, stride: 1, padding: 1),
                                inputs: inputShape[0], outputs: widths[0], hasBias: false,
                                initialization: KaimingInitialization(distribution: .normal, mode: .fanOut))),
        .batchNorm(name: "stem.bn", channels: widths[0]), .relu(name: "stem.relu"),
    ]
    layers += basicBlockStagesAndClassifier(widths: widths, blocksPerStage: Array(repeating: blocksPerStage, count: widths.count),
                                            inputs: widths[0], classes: classes) { name, _, _, inputs, outputs, stride in
        .subsampleShortcut(name: name, inChannels: inputs, outChannels: outputs, stride: stride)
    }
    let depth = 6 * blocksPerStage + 2
    return ModelDescription(name: widthMultiplier == 1 ? "resnet\(depth)" : "resnet\(depth)x\(widthMultiplier)",
                            inputShape: inputShape, classes: classes, layers: layers)
}
