import NotebookSupport
import Testing

@Suite("Epoch calibration")
struct EpochCalibrationTests {
    private static func rule() -> EpochCalibration { EpochCalibration(epochs: [10, 15, 20, 30], accuracy: 0.89, margin: 0.01) }

    @Test("with nothing known it needs the shallow network at every length, shortest first")
    func nothingKnown() {
        let rule = Self.rule()
        #expect(rule.chosen == nil)
        #expect(rule.needed.map(\.network) == [.shallow, .shallow, .shallow, .shallow])
        #expect(rule.needed.map(\.epochs) == [10, 15, 20, 30])
    }

    @Test("the deep network trains only where the shallow one reached the accuracy, and a failed run fails its length")
    func deepOnlyWhereShallowPasses() {
        var rule = Self.rule()
        rule.shallow = [10: 0.87, 15: 0.895]
        #expect(rule.fails(10) == true && rule.fails(15) == nil)
        #expect(rule.needed.map(\.network) == [.deep, .shallow, .shallow] && rule.needed.map(\.epochs) == [15, 20, 30])
        rule.deep[15] = .some(nil)
        #expect(rule.fails(15) == true)
        #expect(rule.needed.map(\.epochs) == [20, 30])
    }

    @Test("the first length meeting both wins, though a longer one is known")
    func firstPassingLength() {
        var rule = Self.rule()
        rule.shallow = [10: 0.88, 15: 0.90, 20: 0.91]
        rule.deep = [15: 0.91, 20: 0.93]
        #expect(rule.chosen == 15 && rule.isMet)
        rule.deep[15] = 0.905
        #expect(rule.chosen == 20 && rule.isMet)
    }

    @Test("when every length fails, the longest is chosen and the rule says it was not met")
    func noneMeets() {
        var rule = Self.rule()
        rule.shallow = [10: 0.80, 15: 0.85, 20: 0.90, 30: 0.92]
        rule.deep = [20: 0.905, 30: 0.925]
        #expect(rule.chosen == 30 && !rule.isMet)
        #expect(rule.needed.isEmpty)
    }
}
