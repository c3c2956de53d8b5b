import ParamShareEngine

/// Every layer's materialised weight, named and laid out as the PyTorch models of
/// `Benchmarks/pytorch_reference.py` name theirs, so that `model.load_state_dict` takes it.
///
/// Generated weights are generated from their banks; convolutions are OIHW and linear weights
/// `[out, in]`, as in both frameworks; batch norms give `weight`, `bias`, `running_mean` and
/// `running_var`. The module names are:
/// - CIFAR ResNets: `conv`, `bn`, `stages.I.conv1`, `stages.I.bn1`, … (I counting blocks over
///   all stages), `fc`;
/// - ResNet-18 and ResNet-34: torchvision's, `conv1`, `bn1`, `layerS.B.conv1`, `layerS.B.bn1`,
///   …, `layerS.0.downsample.0` and `.1` (the option-B shortcut's convolution and batch norm), `fc`;
/// - LeNet-5: `0`, `3`, `7`, `9`, `11` (its `nn.Sequential` indices);
/// - MLPs: `1`, `3`, `5`, … (an `nn.Sequential` of Flatten, then Linear and ReLU in turn).
package enum DenseExport {
    /// The metadata entry that marks an export (its other metadata is the checkpoint's), so
    /// that reading one as a checkpoint says what the file is rather than which tensor it lacks.
    package static let layoutKey = "layout", layout = "pytorch-dense"

    /// The dense tensors of `network`, an instance of `architecture`, by PyTorch name.
    package static func tensors(of network: Sequential<Float>, architecture: Architecture) -> [(name: String, entry: SafetensorsFile.Entry)] {
        var tensors: [(name: String, entry: SafetensorsFile.Entry)] = []
        func add(_ module: String, _ field: String, _ tensor: Tensor<Float>) {
            tensors.append(("\(module).\(field)", SafetensorsFile.Entry(shape: tensor.shape, values: tensor.scalars)))
        }
        func visit(_ layer: any Layer<Float>) {
            let module = pytorchModule(of: layer.name, architecture: architecture)
            switch layer {
            case let conv as Conv2D<Float>:
                add(module, "weight", conv.weightSource.weight())
                if let bias = conv.bias { add(module, "bias", bias.value) }
            case let linear as Linear<Float>:
                add(module, "weight", linear.weightSource.weight())
                if let bias = linear.bias { add(module, "bias", bias.value) }
            case let batchNorm as BatchNorm<Float>:
                add(module, "weight", batchNorm.gamma.value)
                add(module, "bias", batchNorm.beta.value)
                add(module, "running_mean", batchNorm.runningMean)
                add(module, "running_var", batchNorm.runningVariance)
            default:
                layer.sublayers.forEach(visit)
            }
        }
        network.layers.forEach(visit)
        return tensors
    }

    /// The PyTorch module name of ParamShare's layer `name` in `architecture`.
    static func pytorchModule(of name: String, architecture: Architecture) -> String {
        switch architecture {
        case let .resnet(depth, _):
            switch name {
            case "stem.conv": return "conv"
            case "stem.bn": return "bn"
            case "classifier": return "fc"
            default:
                // stageS.blockB.NAME → stages.((S − 1)·n + B).NAME
                let parts = name.split(separator: ".")
                guard parts.count == 3, let stage = Int(parts[0].dropFirst("stage".count)),
                      let block = Int(parts[1].dropFirst("block".count)) else { return name }
                return "stages.\((stage - 1) * ((depth - 2) / 6) + block).\(parts[2])"
            }
        case .imageNetResNet:
            switch name {
            case "stem.conv": return "conv1"
            case "stem.bn": return "bn1"
            case "classifier": return "fc"
            default:
                // stageS.blockB.NAME → layerS.B.NAME, and the shortcut's conv and bn → downsample.0 and .1
                let parts = name.split(separator: ".")
                guard parts.count >= 3, let stage = Int(parts[0].dropFirst("stage".count)),
                      let block = Int(parts[1].dropFirst("block".count)) else { return name }
                let module = parts[2...].joined(separator: ".")
                let torchvisionModule = ["shortcut.conv": "downsample.0", "shortcut.bn": "downsample.1"][module] ?? module
                return "layer\(stage).\(block).\(torchvisionModule)"
            }
        case .lenet5:
            return ["conv1": "0", "conv2": "3", "fc1": "7", "fc2": "9", "classifier": "11"][name] ?? name
        case let .mlp(hiddenWidths):
            if name == "classifier" { return String(2 * hiddenWidths.count + 1) }
            guard let index = Int(name.dropFirst("hidden".count)) else { return name }
            return String(2 * index - 1)
        }
    }
}
