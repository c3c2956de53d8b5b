import Foundation
import ParamShare
import ParamShareEngine
import ParamShareTesting
import Testing

/// A baseline registered from outside the library: the dense network with every generated
/// layer's weights halved at the start, recording the budget as its degrees of freedom.
private struct HalvedStart: BudgetedBaseline {
    func build(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int, scope: SharingScope,
               random: RandomSource) throws -> BaselineNetwork {
        let network = description.build(random: random, as: Float.self)
        let names = Set(generatedLayers.map { "\($0.name).weight" })
        for weight in network.parameters where names.contains(weight.name) {
            for index in 0..<weight.value.count { weight.value[index] *= 0.5 }
        }
        return BaselineNetwork(network: network, degreesOfFreedom: DegreesOfFreedom(description: description, generated: generatedLayers,
                                                                                     bankSize: budget))
    }
}

private let outsideBaseline = GeneratorDescriptor(name: "halved", summary: "dense, started at half scale") { _ in HalvedStart() }

/// A generator registered from outside the library: the same descriptor API the built-ins use.
private let outsider = GeneratorDescriptor(
    name: "outside-hash", summary: "hashing, registered as a plug-in",
    options: [.integer("width", in: 1...8, default: 2, help: "an option only this generator has")]
) { _ in HashingGenerator() }

@Suite("Generator registry")
struct GeneratorRegistryTests {
    @Test("built-ins register through the public API, and a plug-in joins them")
    func registersPlugIn() throws {
        var registry = GeneratorRegistry.builtIn
        #expect(registry.names == ["dense", "rpg", "hashing", "projection", "lowrank", "pruned", "width"])
        try registry.register(outsider)
        #expect(registry.descriptor(named: "outside-hash") != nil)
        #expect(registry.optionColumns.contains("outside-hash.width"))
        #expect(registry.optionColumns == registry.optionColumns.sorted())
    }

    @Test("a taken name is refused, dense included", arguments: ["rpg", "dense"])
    func duplicateNames(name: String) throws {
        var registry = GeneratorRegistry.builtIn
        var copy = outsider
        copy.name = name
        #expect(throws: GeneratorRegistryError.duplicateName(name)) { try registry.register(copy) }
        #expect(registry.descriptors.count == GeneratorRegistry.builtIn.descriptors.count)
    }

    @Test("malformed names, repeated options and invalid defaults are refused")
    func malformedDescriptors() throws {
        var registry = GeneratorRegistry()
        var badName = outsider
        badName.name = "Outside Hash"
        #expect(throws: GeneratorRegistryError.malformedName("Outside Hash")) { try registry.register(badName) }
        var repeated = outsider
        repeated.options += repeated.options
        #expect(throws: GeneratorRegistryError.malformedOption(generator: "outside-hash", option: "width")) { try registry.register(repeated) }
        var badDefault = outsider
        badDefault.options = [GeneratorOption(name: "width", kind: .integer(1...8), defaultValue: "9", help: "")]
        #expect(throws: GeneratorRegistryError.invalidValue(generator: "outside-hash", option: "width", value: "9", accepted: "1…8")) {
            try registry.register(badDefault)
        }
    }

    @Test("an unknown option is refused with the list of valid ones")
    func unknownOption() throws {
        let error = #expect(throws: GeneratorRegistryError.self) { try GeneratorSetting(RPGGenerator.descriptor, options: ["sign": "off"]) }
        #expect(error?.description == "rpg has no option 'sign'; its options are variant, permutation, signs, scaling")
    }

    @Test("values are validated and spelt one way", arguments: [
        ("signs", "yes", "on"), ("signs", "FALSE", "off"), ("permutation", "0", "off"), ("variant", "naive", "naive"),
    ])
    func canonicalValues(option: String, typed: String, canonical: String) throws {
        #expect(try GeneratorSetting(RPGGenerator.descriptor, options: [option: typed]).options[option] == canonical)
    }

    @Test("invalid values are refused with what the option accepts", arguments: [
        ("signs", "maybe", "rpg.signs takes on|off, not 'maybe'"),
        ("variant", "ring", "rpg.variant takes global|per-layer-arc|naive, not 'ring'"),
    ])
    func invalidValues(option: String, typed: String, message: String) throws {
        let error = #expect(throws: GeneratorRegistryError.self) { try GeneratorSetting(RPGGenerator.descriptor, options: [option: typed]) }
        #expect(error?.description == message)
        let nonzeros = #expect(throws: GeneratorRegistryError.self) {
            try GeneratorSetting(ProjectionGenerator.descriptor, options: ["nonzeros": "-1"])
        }
        #expect(nonzeros?.description == "projection.nonzeros takes 0…4096, not '-1'")
    }

    @Test("a grid sweeps an option's values, the others at their defaults")
    func optionSweeps() throws {
        let sweeps = try ["rpg.signs=on,off", "rpg.variant=global,naive", "hashing.x=1"].map(GeneratorOptionSweep.init(parsing:))
        let settings = try GeneratorSetting.grid(RPGGenerator.descriptor, sweeping: sweeps)
        #expect(settings.map { "\($0)" } == ["rpg", "rpg variant=naive", "rpg signs=off", "rpg signs=off variant=naive"])
        for text in ["rpg.signs", "rpg=on", "rpg.signs=", "rpg.signs=on,,off", ".signs=on"] {
            #expect(throws: GridError.self, "\(text)") { try GeneratorOptionSweep(parsing: text) }
        }
    }
}

@Suite("Cell identity")
struct CellIdentityTests {
    private let data = DataSubset(dataset: "digits", trainImages: 1347, testImages: 450)

    private func cell(_ setting: GeneratorSetting?, budget: String = "1%") throws -> SweepCell {
        SweepCell(architecture: .lenet5, sharing: try setting.map { SharingSetting(generator: $0, budget: try BudgetSpecification(parsing: budget)) },
                  data: data, configuration: .defaults(for: .digits))
    }

    @Test("registering other generators changes no cell's id; the same settings always give the same id")
    func stableAcrossRegistries() throws {
        let before = try cell(GeneratorSetting(GeneratorRegistry.builtIn.descriptor(named: "rpg")!)).identifier
        var registry = GeneratorRegistry.builtIn
        try registry.register(outsider)
        let after = try cell(GeneratorSetting(registry.descriptor(named: "rpg")!)).identifier
        #expect(before == after)
        // Pinned, so that a change to the identity scheme is a decision, not an accident: it
        // would make every resumed sweep retrain.
        #expect(before == "2852351ec14e2e10")
    }

    @Test("a plug-in's options enter the id like a built-in's, and a plug-in never shares RPG's id")
    func optionsEnterIdentity() throws {
        let rpg = try cell(GeneratorSetting(RPGGenerator.descriptor))
        let noSigns = try cell(GeneratorSetting(RPGGenerator.descriptor, options: ["signs": "off"]))
        let plugIn = try cell(GeneratorSetting(outsider))
        let wider = try cell(GeneratorSetting(outsider, options: ["width": "3"]))
        let ids = [rpg, noSigns, plugIn, wider, try cell(nil)].map(\.identifier)
        #expect(Set(ids).count == ids.count)
        #expect(plugIn.settings.contains("generator=outside-hash;generator_version=1;outside-hash.width=2;"))
        #expect(rpg.settings.contains("rpg.permutation=on;rpg.scaling=rms;rpg.signs=on;rpg.variant=global;"))
    }

    @Test("the frozen-bank control is a cell of its own")
    func frozenBank() throws {
        var frozen = try cell(GeneratorSetting(RPGGenerator.descriptor))
        let trained = frozen.identifier
        frozen.sharing?.trainsBank = false
        #expect(frozen.identifier != trained)
        #expect(frozen.settings.contains("bank=frozen"))
    }

    @Test("every step scaling is a cell of its own, and plain steps keep the ids they had")
    func stepScaling() throws {
        let plain = try cell(GeneratorSetting(RPGGenerator.descriptor))
        var ids = [plain.identifier]
        for scaling in [BankStepScaling.sqrt, .inverse, .layer] {
            var scaled = plain
            scaled.sharing?.stepScaling = scaling
            ids.append(scaled.identifier)
            #expect(scaled.settings.contains("bank_step=\(scaling.rawValue)"))
        }
        #expect(Set(ids).count == 4)
        #expect(!plain.settings.contains("bank_step"))
    }

    @Test("a budget is one cell whatever its spelling, and another amount another cell")
    func budgetSpelling() throws {
        let setting = try GeneratorSetting(RPGGenerator.descriptor)
        #expect(try cell(setting, budget: "1%").identifier == cell(setting, budget: "1.0%").identifier)
        #expect(try cell(setting, budget: "2k").identifier == cell(setting, budget: "2000").identifier)
        #expect(try cell(setting, budget: "1%").identifier != cell(setting, budget: "2%").identifier)
    }

    @Test("scope, stem and classifier choices are part of the identity")
    func sharingChoices() throws {
        let plain = try cell(GeneratorSetting(RPGGenerator.descriptor))
        var layer = plain, stem = plain, classifier = plain
        layer.sharing?.scope = .layer
        stem.sharing?.generatesStem = true
        classifier.sharing?.generatesClassifier = true
        #expect(Set([plain, layer, stem, classifier].map(\.identifier)).count == 4)
    }

    @Test("a new semantics version is a new cell")
    func semanticsVersion() throws {
        var revised = outsider
        revised.semanticsVersion = 2
        #expect(try cell(GeneratorSetting(revised)).identifier != cell(GeneratorSetting(outsider)).identifier)
    }

    @Test("the data subset is part of the identity")
    func dataSubset() throws {
        var other = try cell(GeneratorSetting(RPGGenerator.descriptor))
        let original = other.identifier
        other.data.trainImages = 1000
        #expect(other.identifier != original)
    }
}

@Suite("Runs table layout")
struct RunsTableLayoutTests {
    @Test("a runs table of an older layout is named as such, with the columns it lacks")
    func olderLayout() {
        let current = RunsTableLayout(optionColumns: ["rpg.signs"]).columns
        #expect(RunsTableLayout(header: current) != nil)
        let older = current.filter { !["bank_step", "budget_count", "fixed_weights"].contains($0) }
        #expect(RunsTableLayout(header: older) == nil)
        #expect(RunsTableLayout.differences(of: older) == "it lacks bank_step, budget_count, fixed_weights (an older ParamShare wrote it)")
        #expect(RunsTableLayout.differences(of: current + ["notes"]) == "it has notes, which this version does not write")
        #expect(RunsTableLayout.differences(of: ["a", "b"]) == nil)
    }

    @Test("every registered option is a column; a row writes none where an option is not its generator's")
    func optionColumns() throws {
        let layout = RunsTableLayout(optionColumns: ["rpg.signs", "outside-hash.width"])
        #expect(layout.optionColumns == ["outside-hash.width", "rpg.signs"])
        #expect(RunsTableLayout(header: layout.columns) == layout)
        #expect(RunsTableLayout(header: ["a", "b"]) == nil)
        let cell = SweepCell(architecture: .lenet5,
                             sharing: SharingSetting(generator: try GeneratorSetting(outsider), budget: .percentage(1)),
                             data: DataSubset(dataset: "digits", trainImages: 10, testImages: 10), configuration: .defaults(for: .digits))
        let record = RunRecord(cell: cell, modelName: "lenet5",
                               degreesOfFreedom: DegreesOfFreedom(description: Architecture.lenet5.describe(inputShape: [1, 8, 8], classes: 10),
                                                                  generated: [], bankSize: 0),
                               result: TrainingResult(status: .ok, epochs: [], wallSeconds: 0))
        let row = Dictionary(uniqueKeysWithValues: zip(layout.columns, record.values(in: layout)))
        #expect(row["generator"] == "outside-hash")
        #expect(row["outside-hash.width"] == "2")
        #expect(row["rpg.signs"] == "none")
        #expect(row["scope"] == "global")
        #expect(row["budget"] == "1%")
    }
}

@Suite("Runs table widening")
struct RunsTableWideningTests {
    @Test("a table written without a plug-in gains its columns, old rows reading none, and keeps columns it had")
    func widensTables() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("widen-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let builtIn = RunsTableLayout(optionColumns: ["rpg.signs"])
        let (table, _, _) = try SweepRunner.openRunsTable(path: path, layout: builtIn)
        try table.append(builtIn.columns.map { $0 == "rpg.signs" ? "off" : "x" })
        let before = try CSVReader.read(contentsOfFile: path)

        let (_, widened, _) = try SweepRunner.openRunsTable(path: path, layout: RunsTableLayout(optionColumns: ["outside-hash.width"]))
        #expect(widened.optionColumns == ["outside-hash.width", "rpg.signs"])
        let after = try CSVReader.read(contentsOfFile: path)
        #expect(after.header == widened.columns)
        let row = Dictionary(uniqueKeysWithValues: zip(after.header, after.rows[0]))
        #expect(row["rpg.signs"] == "off" && row["outside-hash.width"] == "none")
        #expect(after.rows.count == before.rows.count)
    }
}

@Suite("Generator plug-ins train")
struct GeneratorTrainingTests {
    @Test("the bank learns: training it beats the same run with the bank frozen")
    func bankLearns() throws {
        let result = try BankLearningCheck().run(try outsider.makeGenerator(outsider.defaultOptions))
        #expect(result.bankLearned, "\(result)")
    }

    @Test("a plug-in baseline is swept and recorded like a built-in one")
    func plugInBaseline() throws {
        var registry = GeneratorRegistry.builtIn
        try registry.register(outsideBaseline)
        let data = try DigitsLoader.load()
        let setting = try GeneratorSetting(try #require(registry.descriptor(named: "halved")))
        let cells = SweepGrid(architectures: [.mlp(hiddenWidths: [32])], generators: [setting], includesDense: false,
                              budgets: [.count(500)], bankTrainings: [true, false], seeds: [0],
                              recipe: TrainingConfiguration(epochs: 1, batchSize: 32, learningRate: 0.05))
            .cells(on: DataSubset(data))
        #expect(cells.count == 1)
        let record = try SweepRunner.train(cells[0], on: data)
        #expect(record.result.status == .ok)
        let row = record.values(in: RunsTableLayout(optionColumns: registry.optionColumns))
        let columns = RunsTableLayout(optionColumns: registry.optionColumns).columns
        #expect(row[columns.firstIndex(of: "generator")!] == "halved")
        #expect(row[columns.firstIndex(of: "dof")!] == "500")
        #expect(row[columns.firstIndex(of: "bank")!] == "none")
    }

    @Test("the frozen control leaves the bank bit-identical")
    func frozenBankStays() throws {
        let data = try DigitsLoader.load()
        let description = Architecture.mlp(hiddenWidths: [32]).describe(inputShape: data.train.imageShape, classes: data.train.classes)
        let model = try SharingPlan(generator: RPGGenerator()).build(description, budget: 200, seed: 1, random: RandomSource(seed: 1))
        let before = model.banks[0].bank.value.scalars
        var configuration = TrainingConfiguration.defaults(for: .digits, seed: 1)
        configuration.epochs = 1
        _ = try Trainer(configuration: configuration, trainsBanks: false).train(model.network, on: data)
        #expect(model.banks[0].bank.value.scalars.map(\.bitPattern) == before.map(\.bitPattern))
    }
}
