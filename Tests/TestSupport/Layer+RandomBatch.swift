import ParamShareEngine
import ParamShareTesting

extension Layer {
    /// The shape of the output for a batch of standard normal values of `shape` (seed 1): the
    /// quick check that a model built whole takes its images and gives one logit per class.
    public func outputShape(ofRandomBatch shape: [Int], mode: ForwardMode = .training) -> [Int] {
        forward(.random(shape: shape, random: RandomSource(seed: 1)), mode: mode).shape
    }
}
