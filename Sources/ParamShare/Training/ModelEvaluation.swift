import Foundation
import ParamShareEngine

/// A model's top-1 accuracy and mean cross-entropy over every image of a data set, in evaluation mode.
///
/// The loss is the plain cross-entropy, without the label smoothing a run may train with, so
/// that validation losses of runs with different recipes compare. It is summed in `Double` with
/// a log-sum-exp per image, which stays finite for any finite logits.
package struct ModelEvaluation: Sendable, Equatable {
    /// The share of images whose largest logit is their label's; NaN for an empty data set.
    package var accuracy: Double
    /// The mean of −log softmax(logits)[label]; NaN for an empty data set.
    package var loss: Double

    /// Evaluates `model` on every batch of `data`.
    ///
    /// - Throws: the ``DatasetError`` of a streamed file that can no longer be decoded.
    package init(of model: Sequential<Float>, on data: BatchIterator) throws {
        var correct = 0, lossSum = 0.0
        try data.forEachBatch(epoch: 0) { batch in
            let logits = model.forward(batch.images, mode: .inference)
            let classes = logits.shape[1]
            for (item, label) in batch.labels.enumerated() {
                let row = UnsafeBufferPointer(start: logits.data + item * classes, count: classes)
                var best = 0
                for j in 1..<classes where row[j] > row[best] { best = j }
                if best == Int(label) { correct += 1 }
                let largest = Double(row[best])
                let sum = row.reduce(0.0) { $0 + exp(Double($1) - largest) }
                lossSum += largest + log(sum) - Double(row[Int(label)])
            }
            return true
        }
        let count = Double(data.dataset.count)
        accuracy = data.dataset.count == 0 ? .nan : Double(correct) / count
        loss = data.dataset.count == 0 ? .nan : lossSum / count
    }
}
