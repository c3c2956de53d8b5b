/// Which data a run trained, was validated and was tested on: the data set's name and how many
/// images of each part.
///
/// Part of a cell's identity, so that `--train-limit 10000` and the full set are different runs,
/// and so is a run that held out validation images. A run that evaluates no test images (a
/// tuning trial, which must not see them) has `testImages` 0.
public struct DataSubset: Sendable, Hashable {
    public var dataset: String
    public var trainImages: Int
    public var testImages: Int
    /// The training images held out for validation; 0 for none.
    public var validationImages: Int

    package init(dataset: String, trainImages: Int, testImages: Int, validationImages: Int = 0) {
        self.dataset = dataset
        self.trainImages = trainImages
        self.testImages = testImages
        self.validationImages = validationImages
    }

    /// The subset `data` holds.
    public init(_ data: DatasetSplit) {
        self.init(dataset: data.train.name, trainImages: data.train.count, testImages: data.test.count,
                  validationImages: data.validation?.count ?? 0)
    }
}
