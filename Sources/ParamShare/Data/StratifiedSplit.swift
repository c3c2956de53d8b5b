import ParamShareEngine

extension ImageDataset {
    /// Splits the images into a training and a test part with the same class proportions.
    ///
    /// Each class's images are shuffled with `seed` and the first round(testFraction · n) go to
    /// the test part. Both parts keep the images in their original order, so the split is a
    /// pure function of the data and the seed.
    package func stratifiedSplit(testFraction: Double, seed: UInt64) -> DatasetSplit {
        precondition(testFraction > 0 && testFraction < 1, "test fraction must be in (0, 1), got \(testFraction)")
        let random = RandomSource(seed: seed)
        var testIndices = [Int]()
        for label in 0..<classes {
            var members = labels.indices.filter { labels[$0] == Int32(label) }
            random.shuffle(&members)
            testIndices += members.prefix(Int((testFraction * Double(members.count)).rounded()))
        }
        let isTest = Set(testIndices)
        return DatasetSplit(train: subset(indices.filter { !isTest.contains($0) }), test: subset(testIndices.sorted()))
    }

    private var indices: Range<Int> { 0..<count }
}
