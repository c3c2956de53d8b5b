import ParamShare

extension StudyPlan {
    /// The equivalence margin of every accuracy comparison of the claim notebooks: one point.
    package static let accuracyMargin = 0.01

    /// Why the margin is one point, as each accuracy plan states it.
    package static let accuracyMarginReason = """
        one accuracy point (0.01) for every accuracy comparison of the claim notebooks, a round figure \
        the size of one arm's seed-to-seed standard deviation on this recipe (0.3 to 1 point): gaps smaller \
        than that are not differences this project claims. Set once for all claims, not per claim; \
        declared on 2026-12-05, after the runs of these studies had been seen.
        """

    /// A plan on the claim notebooks' recipe: test accuracy in the study's `runs.csv`, in points,
    /// seeds 0, 1 and 2 confirmatory.
    package static func recipeAccuracy(claim: String, statement: String, arms: [Arm], budgets: [String], exploratory: [SeedSet] = [],
                                      comparisons: [Comparison]) -> StudyPlan {
        StudyPlan(claim: claim, statement: statement, table: "runs.csv", measure: "test_accuracy", unit: "points", unitScale: 100,
                  arms: arms, budgets: budgets, seeds: [0, 1, 2], exploratory: exploratory, comparisons: comparisons,
                  marginReason: accuracyMarginReason)
    }
}

extension StudyPlan.Arm {
    /// RPG on the recipe's ResNet-20 (or `model`) at `budget`: the paper's RPG unless an option says otherwise.
    package static func rpg(_ label: String, budget: String, model: String = "resnet20", permutation: String = "on", signs: String = "on",
                           variant: String = "global", scope: String = "global", bank: String = "trained", step: String = "none") -> Self {
        Self(label, rows: ["model": model, "generator": RPGGenerator.descriptor.name, "budget": budget, "rpg.permutation": permutation,
                           "rpg.signs": signs, "rpg.variant": variant, "scope": scope, "bank": bank, "bank_step": step])
    }

    /// Another generator or baseline at `budget`, at its paper's defaults (the only setting the notebooks train).
    package static func generator(_ name: String, budget: String, label: String? = nil) -> Self {
        Self(label ?? "\(name) \(budget)", rows: ["model": "resnet20", "generator": name, "budget": budget])
    }

    /// Dense `model`: no sharing.
    package static func dense(_ label: String = "dense", model: String = "resnet20") -> Self {
        Self(label, rows: ["model": model, "generator": GeneratorRegistry.denseName])
    }
}
