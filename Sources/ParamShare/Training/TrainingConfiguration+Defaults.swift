extension TrainingConfiguration {
    /// The recipe `sweep` uses on `dataset` when no flag changes it.
    ///
    /// Digits: 30 epochs, batch 32, SGD with Nesterov momentum and a one-cycle rate peaking at
    /// 0.02, label smoothing 0.1, no augmentation; small images overfit fast, so the smoothing
    /// and the short batches matter more than augmentation. On the main job's grid a peak of
    /// 0.05 collapsed 3 of 39 LeNet-5 runs to chance at 3 % DoF, and 0.03 let one low-rank run's
    /// loss jump past three times its start in one batch (the rule `FailureDetector` then applied to single batches); 0.02 failed none of the 102. Everything else: the project's CIFAR
    /// recipe, 10 epochs, batch 128, peak 0.1, crop and flip on CIFAR, random resized crops and
    /// flip on image folders.
    public static func defaults(for dataset: DatasetName, seed: UInt64 = 0) -> TrainingConfiguration {
        dataset.isEmbedded
            ? TrainingConfiguration(epochs: 30, batchSize: 32, learningRate: 0.02, labelSmoothing: 0.1, seed: seed)
            : TrainingConfiguration(epochs: 10, batchSize: 128, learningRate: 0.1, labelSmoothing: 0,
                                    augmentation: dataset.isCIFAR ? .cifar : dataset == .folder ? .imageNet : .none, seed: seed)
    }
}
