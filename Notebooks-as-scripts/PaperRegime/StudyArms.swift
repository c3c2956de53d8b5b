import Foundation
import NotebookSupport
import ParamShare

/// The studies of the paper regime, C3, C1 and C2, then C4 and C5: their cells and their
/// declared plans.
///
/// Every arm trains at the learning rate its search selected, so each arm's rows carry the
/// search's identifier in `tuning`, which keeps them apart from the calibration's runs at the
/// default rate in the one runs table.
enum StudyArms {
    static let largestLayer = "stage3.block2.conv2"
    static let resnet20Generated = 267_264
    static let logLinearBudgets = ["0.5%", "1%", "3%", "10%", "30%", "100%"]
    static let comparisonBudgets = ["1%", "10%"]
    /// C4's and C5's budget (issue 29).
    static let ablationBudget = "10%"
    /// C4's arms as RPG's options set them; the last, both switches on, is the paper's RPG (C1's at 10 %).
    static let sharingSwitches: [(label: String, options: [String: String])] = [
        ("naive", ["variant": "naive", "permutation": "off", "signs": "off"]),
        ("permutation only", ["variant": "global", "permutation": "on", "signs": "off"]),
        ("signs only", ["variant": "global", "permutation": "off", "signs": "on"]),
        ("both (RPG)", ["variant": "global", "permutation": "on", "signs": "on"]),
    ]
    /// C5's local scopes (its fourth arm, the global ring, is C1's RPG at 10 %).
    static let localScopes: [SharingScope] = [.stage, .block, .layer]

    /// The studies, in the order they run (parts 3 to 7).
    enum Study: String, CaseIterable {
        case c3, c1, c2, c4, c5
        var part: Int { Study.allCases.firstIndex(of: self)! + 3 }

        /// The studies whose arms part 2's searches tune. C4 and C5 were added to the regime after
        /// those searches were declared, so each searches its own new arms in its own part, under
        /// the widened search's protocol, before declaring its plan.
        static let tunedInPart2: [Study] = [.c3, .c1, .c2]
        var isTunedInPart2: Bool { Self.tunedInPart2.contains(self) }
    }

    /// The generator settings the studies train: RPG at its defaults; the rivals of C2 as their
    /// papers have them, pruning gradual (Zhu and Gupta), the strongest pruning baseline.
    static func rivals() throws -> [GeneratorSetting] {
        [try GeneratorSetting(HashingGenerator.descriptor), try GeneratorSetting(MagnitudePruning.descriptor, options: ["schedule": "gradual"]),
         try GeneratorSetting(WidthScaling.descriptor), try GeneratorSetting(ProjectionGenerator.descriptor)]
    }

    /// `study`'s cells at `epochs` for `seeds`, at the default rate (a selection then sets each one's).
    static func cells(of study: Study, epochs: Int, seeds: [UInt64], on data: DatasetSplit) throws -> [SweepCell] {
        let recipe = PaperRecipe.recipe(epochs: epochs), subset = DataSubset(data)
        let rpg = try GeneratorSetting(RPGGenerator.descriptor)
        func grid(_ architectures: [Architecture], _ generators: [GeneratorSetting], budgets: [String],
                  scope: SharingScope? = nil) throws -> [SweepCell] {
            SweepGrid(architectures: architectures, generators: generators, includesDense: generators.isEmpty,
                      budgets: try budgets.map { try BudgetSpecification(parsing: $0) }, scope: scope, seeds: seeds,
                      recipe: recipe).cells(on: subset)
        }
        switch study {
        case .c3:
            return try grid([PaperRecipe.shallowNetwork, PaperRecipe.deepNetwork], [], budgets: [])
                + grid([PaperRecipe.shallowNetwork], [rpg], budgets: ["layer:\(largestLayer)"])
                + grid([PaperRecipe.deepNetwork], [rpg], budgets: [String(resnet20Generated)])
        case .c1:
            return try grid([PaperRecipe.shallowNetwork], [rpg], budgets: logLinearBudgets)
        case .c2:
            return try grid([PaperRecipe.shallowNetwork], rivals(), budgets: comparisonBudgets)
        case .c4:
            let switched = try sharingSwitches.dropLast().map { try GeneratorSetting(RPGGenerator.descriptor, options: $0.options) }
            return try grid([PaperRecipe.shallowNetwork], switched, budgets: [ablationBudget])
        case .c5:
            return try localScopes.flatMap { try grid([PaperRecipe.shallowNetwork], [rpg], budgets: [ablationBudget], scope: $0) }
        }
    }

    /// The cells whose rows `study`'s table holds: its own, and the arms it shares with another
    /// study (C1's dense ResNet-20 is C3's; C2's RPG at 1 % and 10 % is C1's, and so are C4's
    /// paper RPG and C5's global ring, RPG at 10 %).
    static func tableCells(of study: Study, epochs: Int, seeds: [UInt64], on data: DatasetSplit) throws -> [SweepCell] {
        let own = try cells(of: study, epochs: epochs, seeds: seeds, on: data)
        switch study {
        case .c3:
            return own
        case .c1:
            return own + (try cells(of: .c3, epochs: epochs, seeds: seeds, on: data)).filter {
                $0.sharing == nil && $0.architecture == PaperRecipe.shallowNetwork
            }
        case .c2:
            return own + (try cells(of: .c1, epochs: epochs, seeds: seeds, on: data)).filter { comparisonBudgets.contains($0.budgetText) }
        case .c4, .c5:
            return (try cells(of: .c1, epochs: epochs, seeds: seeds, on: data)).filter { $0.budgetText == ablationBudget } + own
        }
    }

    /// The cells of `studies`, each once: what a search of their arms tunes, and what its
    /// selections must cover.
    static func cells(of studies: [Study], epochs: Int, seeds: [UInt64], on data: DatasetSplit) throws -> [SweepCell] {
        SweepRunner.uniqueCells(try studies.flatMap { try cells(of: $0, epochs: epochs, seeds: seeds, on: data) })
    }

    /// The arm of rows of `model` and `generator` at `budget` (all budgets if `nil`) that `search` tuned.
    static func arm(_ label: String, model: Architecture, generator: String, budget: String?, search: String,
                    options: [String: String] = [:]) -> StudyPlan.Arm {
        var rows = ["model": "\(model)", "generator": generator, "tuning": search].merging(options) { $1 }
        if let budget { rows["budget"] = budget }
        return StudyPlan.Arm(label, rows: rows)
    }

    /// `study`'s plan over the arms `search` tuned; `denseAccuracy`, dense ResNet-20's test
    /// accuracy in the calibration, sets C3's margin for "keeps 96 % of dense".
    static func plan(of study: Study, search: String, denseAccuracy: Double) -> StudyPlan {
        let r20 = PaperRecipe.shallowNetwork, r56 = PaperRecipe.deepNetwork, dense = GeneratorRegistry.denseName
        let rpg = RPGGenerator.descriptor.name, margin = StudyPlan.accuracyMargin
        let marginReason = StudyPlan.accuracyMarginReason + " Declared for the paper regime before any of its runs at the selections."
        func plan(_ claim: String, _ statement: String, arms: [StudyPlan.Arm], budgets: [String], comparisons: [StudyPlan.Comparison],
                  reason: String = marginReason) -> StudyPlan {
            StudyPlan(claim: claim, statement: statement, table: "runs.csv", measure: "test_accuracy", unit: "points", unitScale: 100,
                      arms: arms, budgets: budgets, seeds: [0, 1, 2], comparisons: comparisons, marginReason: reason,
                      descriptiveAnalyses: claim == "C1" ? LogLinearReport.declaration : nil)
        }
        switch study {
        case .c3:
            // The paper's "keeps 96 % of dense": a loss of at most 4 % of dense's accuracy.
            let oneLayerMargin = (0.04 * denseAccuracy * 1000).rounded() / 1000
            return plan("C3", "one layer's DoF keeps 96 % of dense; deeper RPG beats shallower dense (trained regime)",
                        arms: [arm("dense resnet20", model: r20, generator: dense, budget: nil, search: search),
                               arm("rpg resnet20 one layer", model: r20, generator: rpg, budget: "layer:\(largestLayer)", search: search),
                               arm("rpg resnet56", model: r56, generator: rpg, budget: String(resnet20Generated), search: search),
                               arm("dense resnet56", model: r56, generator: dense, budget: nil, search: search)],
                        budgets: ["layer:\(largestLayer)", String(resnet20Generated)],
                        comparisons: [
                            StudyPlan.Comparison("rpg resnet20 one layer", minus: "dense resnet20", .init(.notBelow, margin: oneLayerMargin),
                                                 family: "C3 one layer", test: .welch, part: "one layer"),
                            StudyPlan.Comparison("rpg resnet56", minus: "dense resnet20", .init(.greater, margin: margin),
                                                 family: "C3 depth", test: .welch, part: "depth"),
                        ],
                        reason: String(format: "one layer: 4 %% of dense ResNet-20's %.2f %% in the calibration (%.1f points), the paper's "
                                       + "\"keeps 96 %%\". Depth: ", denseAccuracy * 100, oneLayerMargin * 100) + marginReason)
        case .c1:
            let arms = logLinearBudgets.map { arm("rpg \($0)", model: r20, generator: rpg, budget: $0, search: search) }
                + [arm("dense", model: r20, generator: dense, budget: nil, search: search)]
            let growth = zip(logLinearBudgets.dropFirst(), logLinearBudgets).map { larger, smaller in
                StudyPlan.Comparison("rpg \(larger)", minus: "rpg \(smaller)", .init(.greater, margin: margin), family: "C1 growth",
                                     test: .welch, part: "growth")
            }
            return plan("C1", "accuracy grows log-linearly with DoF (trained regime)", arms: arms, budgets: logLinearBudgets,
                        comparisons: growth + [StudyPlan.Comparison("rpg 100%", minus: "dense", .init(.notBelow, margin: margin),
                                                                    family: "C1 full DoF", test: .welch, part: "full DoF")])
        case .c2:
            var arms = [StudyPlan.Arm](), comparisons = [StudyPlan.Comparison]()
            for budget in comparisonBudgets {
                arms.append(arm("rpg \(budget)", model: r20, generator: rpg, budget: budget, search: search))
                for (name, options) in [("hashing", [:]), ("pruned", ["pruned.schedule": "gradual"]), ("width", [:]), ("projection", [:])] {
                    arms.append(arm("\(name) \(budget)", model: r20, generator: name, budget: budget, search: search, options: options))
                    comparisons.append(StudyPlan.Comparison("rpg \(budget)", minus: "\(name) \(budget)", .init(.greater, margin: margin),
                                                            family: "C2 at \(budget)", test: .welch, part: budget))
                }
            }
            return plan("C2", "at equal DoF RPG beats other sharing and pruning, each at its tuned rate (trained regime)",
                        arms: arms, budgets: comparisonBudgets, comparisons: comparisons)
        case .c4:
            // Welch's test, not the short recipe's paired one: each arm trains at its own rate, so
            // two arms' runs of one seed share only the data order.
            let budget = ablationBudget
            let arms = sharingSwitches.map { label, options in
                arm("\(label) \(budget)", model: r20, generator: rpg, budget: budget, search: search,
                    options: Dictionary(uniqueKeysWithValues: options.map { ("\(rpg).\($0.key)", $0.value) })
                        .merging(["scope": SharingScope.global.rawValue]) { $1 })
            }
            return plan("C4", "destructive sharing (permutation, signs) helps (trained regime)", arms: arms, budgets: [budget],
                        comparisons: arms.dropFirst().map {
                            StudyPlan.Comparison($0.label, minus: arms[0].label, .init(.greater, margin: margin), family: "C4 at \(budget)",
                                                 test: .welch, part: budget)
                        })
        case .c5:
            let budget = ablationBudget
            let arms = ([SharingScope.global] + localScopes).map { scope in
                arm(scope.rawValue, model: r20, generator: rpg, budget: budget, search: search, options: ["scope": scope.rawValue])
            }
            return plan("C5", "a global ring is at least as good as local rings (trained regime)", arms: arms, budgets: [budget],
                        comparisons: arms.dropFirst().map {
                            StudyPlan.Comparison(arms[0].label, minus: $0.label, .init(.notBelow, margin: margin), family: "C5",
                                                 test: .welch, part: budget)
                        })
        }
    }
}
