import ParamShareEngine

extension DatasetSplit {
    /// The seed of every validation split: fixed, so that every cell of a sweep, and every sweep
    /// of one data set, holds out the same images.
    package static let validationSeed: UInt64 = 0

    /// This split trimmed to at most `trainLimit` training images, with `size` further training
    /// images held out for validation; the test images are untouched.
    ///
    /// The validation images are a stratified sample (each class in proportion to its share,
    /// rounded by largest remainder so that the total is exact), drawn with GSL's mt19937 seeded
    /// with `validationSeed` from the training images the run does not train on: those past
    /// `trainLimit` when the limit leaves enough of them, so that a limited run trains on exactly
    /// the images it trains on without validation; otherwise from the whole training file, which
    /// then trains on the rest (in file order, up to `trainLimit`). The split is a pure function of
    /// the file, the size and the limit: the same on every run, machine and thread count.
    ///
    /// - Throws: `ValidationSplitError` when the training file cannot give both parts.
    public func holdingOut(_ size: ValidationSize?, trainLimit: Int?) throws -> DatasetSplit {
        let total = train.count
        let limit = min(trainLimit ?? total, total)
        guard let size else { return limit == total ? self : DatasetSplit(train: train.prefix(limit), test: test) }
        let wanted = size.images(of: total)
        guard wanted >= 1 else {
            throw ValidationSplitError(detail: "\(size) of \(total) training images rounds to no image; hold out at least one")
        }
        let beyondLimit = Array(limit..<total)
        if beyondLimit.count >= wanted {
            let validation = train.stratifiedSample(of: wanted, from: beyondLimit, seed: Self.validationSeed)
            return DatasetSplit(train: limit == total ? train : train.prefix(limit), test: test, validation: train.subset(validation))
        }
        guard limit == total else {
            throw ValidationSplitError(detail: "only \(beyondLimit.count) training images lie beyond the training limit of \(limit), "
                                       + "too few to hold out \(wanted) for validation; lower the limit or the validation size")
        }
        guard wanted < total else {
            throw ValidationSplitError(detail: "holding out \(wanted) of \(total) training images would leave none to train on")
        }
        let validation = train.stratifiedSample(of: wanted, from: Array(0..<total), seed: Self.validationSeed)
        let held = Set(validation)
        return DatasetSplit(train: train.subset((0..<total).filter { !held.contains($0) }), test: test,
                            validation: train.subset(validation))
    }
}

extension ImageDataset {
    /// `count` of `candidates`, stratified by class with exact largest-remainder quotas, each class's
    /// members shuffled with `seed`; returned in ascending order.
    func stratifiedSample(of count: Int, from candidates: [Int], seed: UInt64) -> [Int] {
        precondition(count <= candidates.count, "cannot sample \(count) of \(candidates.count) images")
        var members = [[Int]](repeating: [], count: classes)
        for index in candidates { members[Int(labels[index])].append(index) }
        let exact = members.map { Double($0.count) * Double(count) / Double(candidates.count) }
        var quotas = exact.map { Int($0.rounded(.down)) }
        // The images the floors leave over go to the largest remainders, ties to the lower class.
        let byRemainder = members.indices.sorted { (exact[$0] - Double(quotas[$0]), -$0) > (exact[$1] - Double(quotas[$1]), -$1) }
        for label in byRemainder.prefix(count - quotas.reduce(0, +)) { quotas[label] += 1 }
        let random = RandomSource(seed: seed)
        var sample = [Int]()
        for label in 0..<classes {
            random.shuffle(&members[label])
            sample += members[label].prefix(quotas[label])
        }
        return sample.sorted()
    }
}

/// Why a training file cannot give both a training and a validation part.
package struct ValidationSplitError: Error, CustomStringConvertible, Equatable {
    package var detail: String

    package var description: String { detail }
}
