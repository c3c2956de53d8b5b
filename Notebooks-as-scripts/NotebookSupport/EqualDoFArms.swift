import ParamShare

/// The arms of the equal-DoF comparison (C2), whose trained models the compression claim (C7)
/// compresses: every generator and baseline at the defaults that follow its own paper.
package enum EqualDoFArms {
    /// rpg, hashing (per layer), projection (Fastfood, unit-norm columns), lowrank, pruned (one-shot), width.
    private static var descriptors: [GeneratorDescriptor] {
        [RPGGenerator.descriptor, HashingGenerator.descriptor, ProjectionGenerator.descriptor, LowRankGenerator.descriptor,
         MagnitudePruning.descriptor, WidthScaling.descriptor]
    }

    /// The arms' generator names, rpg first, as the runs table spells them.
    package static var names: [String] { descriptors.map(\.name) }

    /// The arms at their defaults, in the order of ``names``, each as ``setting(_:)`` makes it.
    package static func settings() throws -> [GeneratorSetting] {
        try descriptors.map(setting)
    }

    /// `descriptor` at its defaults, but pruning one-shot: the equal-DoF studies were declared
    /// and run with one-shot pruning, the default until the selection study made it gradual.
    package static func setting(_ descriptor: GeneratorDescriptor) throws -> GeneratorSetting {
        try GeneratorSetting(descriptor, options: descriptor.name == MagnitudePruning.descriptor.name ? ["schedule": "oneshot"] : [:])
    }

    /// Every arm at `budget` on the recipe, seeds 0 to 2, with dense if `includesDense`, and RPG
    /// with its ring frozen (the control) if `frozenControl`.
    package static func cells(at budget: BudgetSpecification, includesDense: Bool, frozenControl: Bool, on data: DatasetSplit) throws -> [SweepCell] {
        let settings = try settings()
        let trained = SweepGrid(architectures: [CIFARRecipe.architecture], generators: settings, includesDense: includesDense,
                                budgets: [budget], seeds: [0, 1, 2], recipe: CIFARRecipe.configuration)
        let frozen = SweepGrid(architectures: [CIFARRecipe.architecture], generators: [settings[0]], includesDense: false,
                               budgets: [budget], bankTrainings: [false], seeds: [0, 1, 2], recipe: CIFARRecipe.configuration)
        return CIFARRecipe.cells(trained, on: data) + (frozenControl ? CIFARRecipe.cells(frozen, on: data) : [])
    }

    /// The arms named in `arms` at `budget`, with more `seeds`: for comparisons that three seeds
    /// leave undecided.
    package static func cells(of arms: [String], at budget: BudgetSpecification, seeds: [UInt64], on data: DatasetSplit) throws -> [SweepCell] {
        let settings = try settings().filter { arms.contains($0.name) }
        let grid = SweepGrid(architectures: [CIFARRecipe.architecture], generators: settings, includesDense: false,
                             budgets: [budget], seeds: seeds, recipe: CIFARRecipe.configuration)
        return CIFARRecipe.cells(grid, on: data)
    }
}
