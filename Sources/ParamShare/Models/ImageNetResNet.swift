import ParamShareEngine

/// He et al. (2016), table 1, as torchvision builds it: a stem, four stages of basic blocks at
/// widths 64k, 128k, 256k and 512k (stages 2–4 starting with stride 2 in their first block's
/// first convolution), global average pooling and a linear classifier. ResNet-18 has
/// `[2, 2, 2, 2]` blocks per stage, ResNet-34 `[3, 4, 6, 3]`.
///
/// A block whose input and output differ in shape takes option B: a 1×1 convolution at the
/// block's stride and a batch norm on the shortcut (role ``WeightedLayer/Role/shortcut``, so
/// generators generate it as the RPG authors' code does).
///
/// The stem follows the input: images of side 32 or less (CIFAR, MNIST, the digits) get the
/// usual CIFAR adaptation, a 3×3 stride-1 convolution and no max pool, since the ImageNet
/// stem would shrink a 32×32 image to 8×8 before the first block; larger images get the
/// ImageNet stem, a 7×7 stride-2 convolution, batch norm, ReLU and a 3×3 stride-2 max pool.
///
/// Convolutions are initialised Kaiming-normal with fan-out and batch norms at γ = 1, β = 0,
/// as torchvision's are (its `zero_init_residual` is off by default, and so is it here).
func describeImageNetResNet(inputShape: [Int], blocksPerStage: [Int], widthMultiplier: Int, classes: Int) -> ModelDescription {
    let convInit = KaimingInitialization(distribution: .normal, mode: .fanOut)
    func conv(_ name: String, role: WeightedLayer.Role, stage: Int?, block: Int?, _ inputs: Int, _ outputs: Int,
              kernelSize: Int = 3, stride: Int = 1) -> LayerDescription {
        .weighted(WeightedLayer(name: name, role: role, stage: stage, block: block,
                                kind: .convolution(kernelSize: kernelSize, stride: stride, padding: kernelSize / 2),
                                inputs: inputs, outputs: outputs, hasBias: false, initialization: convInit))
    }
    let widths = [64, 128, 256, 512].map { $0 * widthMultiplier }
    var layers: [LayerDescription]
    if ImageNetResNetStem(inputShape: inputShape) == .cifar {
        layers = [
            conv("stem.conv", role: .stem, stage: nil, block: nil, inputShape[0], widths[0]),
            .batchNorm(name: "stem.bn", channels: widths[0]), .relu(name: "stem.relu"),
        ]
    } else {
        layers = [
            conv("stem.conv", role: .stem, stage: nil, block: nil, inputShape[0], widths[0], kernelSize: 7, stride: 2),
            .batchNorm(name: "stem.bn", channels: widths[0]), .relu(name: "stem.relu"),
            .maxPool(name: "stem.pool", kernelSize: 3, stride: 2, padding: 1),
        ]
    }
    layers += basicBlockStagesAndClassifier(widths: widths, blocksPerStage: blocksPerStage, inputs: widths[0], classes: classes) {
        name, stage, block, inputs, outputs, stride in
        .sequence(name: name, layers: [
            conv("\(name).conv", role: .shortcut, stage: stage, block: block, inputs, outputs, kernelSize: 1, stride: stride),
            .batchNorm(name: "\(name).bn", channels: outputs),
        ])
    }
    let depth = 2 * blocksPerStage.reduce(0, +) + 2
    return ModelDescription(name: widthMultiplier == 1 ? "resnet\(depth)" : "resnet\(depth)x\(widthMultiplier)",
                            inputShape: inputShape, classes: classes, layers: layers)
}
