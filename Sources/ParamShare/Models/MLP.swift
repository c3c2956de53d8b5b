import ParamShareEngine

/// flatten → (linear → ReLU) per hidden width → linear classifier.
func describeMLP(inputShape: [Int], hiddenWidths: [Int], classes: Int) -> ModelDescription {
    var layers: [LayerDescription] = [.flatten(name: "flatten")]
    var width = inputShape.reduce(1, *)
    for (index, hidden) in hiddenWidths.enumerated() {
        let name = "hidden\(index + 1)"
        layers += [
            .weighted(WeightedLayer(name: name, role: .hidden, kind: .linear, inputs: width, outputs: hidden, hasBias: true)),
            .relu(name: "\(name).relu"),
        ]
        width = hidden
    }
    layers.append(.weighted(WeightedLayer(name: "classifier", role: .classifier, kind: .linear, inputs: width,
                                          outputs: classes, hasBias: true)))
    return ModelDescription(name: Architecture.mlp(hiddenWidths: hiddenWidths).description, inputShape: inputShape,
                            classes: classes, layers: layers)
}
