import ParamShare
import ParamShareEngine
import Testing

@Suite("Successive halving")
struct SuccessiveHalvingTests {
    private func shape(_ schedule: SuccessiveHalving) -> [[Int]] { schedule.rungs.map { [$0.configurations, $0.epochs] } }

    @Test("9 configurations of a 10-epoch recipe, η = 3: 9 × 1, 3 × 3, 1 × 10, 28 epochs, 2.8 full runs")
    func nine() {
        let schedule = SuccessiveHalving(configurations: 9, fullEpochs: 10)
        #expect(shape(schedule) == [[9, 1], [3, 3], [1, 10]])
        #expect(schedule.epochsSpent == 28)
        #expect(schedule.multipleOfFullRun == 2.8)
    }

    @Test("the number of rungs is bounded by the configurations and by the minimum epochs")
    func bounds() {
        #expect(shape(SuccessiveHalving(configurations: 18, fullEpochs: 9)) == [[18, 1], [6, 3], [2, 9]])
        #expect(shape(SuccessiveHalving(configurations: 2, fullEpochs: 9)) == [[2, 9]])
        #expect(shape(SuccessiveHalving(configurations: 27, fullEpochs: 9, minimumEpochs: 3)) == [[27, 3], [9, 9]])
        #expect(shape(SuccessiveHalving(configurations: 27, fullEpochs: 3)) == [[27, 1], [9, 3]])
        // Two epochs cannot be divided by 3 into whole epochs: one rung.
        #expect(shape(SuccessiveHalving(configurations: 27, fullEpochs: 2)) == [[27, 2]])
        #expect(shape(SuccessiveHalving(configurations: 8, fullEpochs: 30, eta: 2)) == [[8, 4], [4, 8], [2, 15], [1, 30]])
    }

    @Test("a rung promotes exactly the best ⌊n/η⌋ (at least one), by score", arguments: 1...30)
    func promotesTheTopShare(count: Int) {
        let random = RandomSource(seed: UInt64(count))
        let scores: [TrialScore?] = (0..<count).map { _ in
            random.uniform(in: 0..<1) < 0.15 ? nil
                : TrialScore(validationAccuracy: Double(random.integer(below: 5)) / 5, validationLoss: random.uniform(in: 0..<1))
        }
        let schedule = SuccessiveHalving(configurations: count, fullEpochs: 9)
        let promoted = schedule.promoted(scores)
        #expect(promoted.count == max(1, count / 3))
        #expect(Set(promoted).count == promoted.count)
        // Nothing left behind beats anything promoted.
        let worstPromoted = promoted.map { scores[$0] }.min { a, b in
            switch (a, b) { case let (x?, y?): x < y; case (nil, _): true; case (_, nil): false }
        }!
        for index in scores.indices where !promoted.contains(index) {
            if let left = scores[index] { #expect(worstPromoted.map { $0 >= left } ?? false) }
        }
    }

    @Test("ties go to the lower validation loss, then to the earlier configuration; failed trials rank last")
    func ordering() {
        let a = TrialScore(validationAccuracy: 0.9, validationLoss: 0.3), b = TrialScore(validationAccuracy: 0.9, validationLoss: 0.2)
        #expect(SuccessiveHalving.ranked([nil, a, b, a, TrialScore(validationAccuracy: 0.5, validationLoss: 0)]) == [2, 1, 3, 4, 0])
    }
}
