/// Which data a run trained and was tested on: the data set's name and how many images of each split.
///
/// Part of a cell's identity, so that `--train-limit 10000` and the full set are different runs.
public struct DataSubset: Sendable, Hashable {
    public var dataset: String
    public var trainImages: Int
    public var testImages: Int

    public init(dataset: String, trainImages: Int, testImages: Int) {
        self.dataset = dataset
        self.trainImages = trainImages
        self.testImages = testImages
    }

    /// The subset `data` holds.
    public init(_ data: DatasetSplit) {
        self.init(dataset: data.train.name, trainImages: data.train.count, testImages: data.test.count)
    }
}
