import ParamShareEngine
import Testing

@Suite("Learning-rate schedules")
struct ScheduleTests {
    @Test("one-cycle: linear warm-up from the initial rate, cosine down to the final one")
    func oneCycle() {
        let schedule = WarmupCosineSchedule.oneCycle(peak: 0.1, warmupFraction: 0.15, initial: 0.01, final: 1e-4)
        // 100 steps: warm-up over steps 0…14, decay over steps 15…99.
        #expect(abs(schedule.learningRate(atStep: 0, totalSteps: 100) - 0.01) < 1e-12)
        #expect(abs(schedule.learningRate(atStep: 7, totalSteps: 100) - 0.055) < 1e-12)
        #expect(abs(schedule.learningRate(atStep: 15, totalSteps: 100) - 0.1) < 1e-12)
        #expect(abs(schedule.learningRate(atStep: 57, totalSteps: 100) - (1e-4 + (0.1 - 1e-4) * (1 + Double.cos(Double.pi * 42 / 84)) / 2)) < 1e-12)
        #expect(abs(schedule.learningRate(atStep: 99, totalSteps: 100) - 1e-4) < 1e-12)
    }

    @Test("cosine with warm-up never takes a zero step and ends at the minimum")
    func cosine() {
        let schedule = WarmupCosineSchedule.cosine(peak: 1, warmupFraction: 0.1)
        #expect(abs(schedule.learningRate(atStep: 0, totalSteps: 50) - 0.2) < 1e-12)
        #expect(abs(schedule.learningRate(atStep: 5, totalSteps: 50) - 1) < 1e-12)
        #expect(schedule.learningRate(atStep: 49, totalSteps: 50) == 0)
    }

    @Test("step schedule drops by its factor at each milestone")
    func steps() {
        let schedule = StepSchedule(base: 0.1, factor: 0.1, milestones: [0.5, 0.75])
        let rates = [0, 49, 50, 74, 75, 99].map { schedule.learningRate(atStep: $0, totalSteps: 100) }
        let expected = [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]
        #expect(zip(rates, expected).allSatisfy { abs($0 - $1) < 1e-15 })
    }
}
