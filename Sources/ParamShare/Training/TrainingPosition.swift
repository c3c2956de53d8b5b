/// How far a run has come, beside its parameters and optimiser: what the training loop carries
/// from one epoch to the next, and what a ``TrainingSnapshot`` restores.
struct TrainingPosition {
    /// Optimiser steps taken over the whole run; the learning-rate schedule reads it.
    var step = 0
    /// One record per finished epoch.
    var records: [EpochRecord] = []
    var detector: FailureDetector
    /// Wall-clock seconds spent in earlier parts of a resumed run.
    var earlierSeconds = 0.0
}
