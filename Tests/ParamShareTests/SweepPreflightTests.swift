import Foundation
@testable import ParamShare
import ParamShareEngine
import Synchronization
import Testing

/// The checks a grid's cells get before any trains, without building a network.
@Suite("Sweep preflight")
struct SweepPreflightTests {
    private static let data = DataSubset(dataset: "digits", trainImages: 1346, testImages: 451)

    private static func cell(_ generator: GeneratorDescriptor?, budget: String = "10%", model: String = "mlp-32", seed: UInt64 = 0,
                             trainsBank: Bool = true, stepScaling: BankStepScaling = .none) throws -> SweepCell {
        let sharing = try generator.map {
            SharingSetting(generator: try GeneratorSetting($0), budget: try BudgetSpecification(parsing: budget),
                           trainsBank: trainsBank, stepScaling: stepScaling)
        }
        return SweepCell(architecture: try #require(Architecture(name: model)), sharing: sharing, data: data,
                         configuration: TrainingConfiguration.defaults(for: .digits, seed: seed))
    }

    @Test("the preflight refuses each cell building would refuse, with the same error, and keeps the others in order")
    func refusesWhatBuildingRefuses() throws {
        let noCounts = GeneratorDescriptor(name: "nocounts", summary: "RPG without use counts", makeGenerator: { _ in NoCountsGenerator() })
        let cells = [
            try Self.cell(nil),
            try Self.cell(LowRankGenerator.descriptor, budget: "10"),
            try Self.cell(RPGGenerator.descriptor, budget: "layer:nope"),
            try Self.cell(RPGGenerator.descriptor, budget: "1%"),
            try Self.cell(MagnitudePruning.descriptor, trainsBank: false),
            try Self.cell(WidthScaling.descriptor, budget: "5"),
            try Self.cell(noCounts, stepScaling: .sqrt),
            try Self.cell(noCounts, stepScaling: .layer),
            try Self.cell(RPGGenerator.descriptor, model: "mlp-500000-500000"),
        ]
        let preflight = SweepPreflight(cells: cells, inputShape: [1, 8, 8], classes: 10, jobs: 2)
        #expect(preflight.feasible.map(\.identifier) == [cells[0], cells[3], cells[7]].map(\.identifier))
        #expect(preflight.refusals.map(\.cell.identifier) == [1, 2, 4, 5, 6, 8].map { cells[$0].identifier })
        for refusal in preflight.refusals where refusal.cell.architecture != .mlp(hiddenWidths: [500_000, 500_000]) {
            #expect { try CellModel(building: refusal.cell, inputShape: [1, 8, 8], classes: 10) } throws: { error in
                "\(error)" == "\(refusal.reason)"
            }
        }
        #expect(preflight.refusals.last?.reason is GridError)
    }

    @Test("cells that differ only in their seed are checked once, and no bank or network is built")
    func checksEachSettingOnce() throws {
        let calls = Calls()
        let counting = GeneratorDescriptor(name: "counting", summary: "RPG, counting its plans",
                                           makeGenerator: { _ in CountingGenerator(calls: calls) })
        let cells = try (0..<3).map { try Self.cell(counting, seed: $0) }
        let preflight = SweepPreflight(cells: cells, inputShape: [1, 8, 8], classes: 10)
        #expect(preflight.feasible.count == 3 && preflight.refusals.isEmpty)
        // One global bank, planned once for three seeds; its tables only: no bank was filled.
        #expect(calls.value.withLock { $0 } == (plans: 1, banksInitialised: 0))
        _ = try CellModel(building: cells[0], inputShape: [1, 8, 8], classes: 10)
        #expect(calls.value.withLock { $0 } == (plans: 2, banksInitialised: 1))
    }
}

/// How often a ``CountingGenerator`` was planned and its bank filled.
private final class Calls: Sendable {
    let value = Mutex((plans: 0, banksInitialised: 0))
}

/// RPG, counting its plans and the banks they fill.
private struct CountingGenerator: ParameterGenerator {
    let calls: Calls

    func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                    as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar> {
        calls.value.withLock { $0.plans += 1 }
        return CountingPlan(inner: try RPGGenerator().plan(layers: layers, budget: budget, random: random, as: scalar), calls: calls)
    }
}

private struct CountingPlan<Scalar: EngineScalar>: GeneratorPlan {
    let inner: any GeneratorPlan<Scalar>
    let calls: Calls
    var bankSize: Int { inner.bankSize }
    func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        calls.value.withLock { $0.banksInitialised += 1 }
        inner.initializeBank(bank, random: random)
    }
    func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) { inner.generate(layer: layer, from: bank, into: weight) }
    func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>, into bankGradient: Tensor<Scalar>) {
        inner.accumulateBankGradient(layer: layer, weightGradient: weightGradient, at: bank, into: bankGradient)
    }
}
