import Foundation
@testable import ParamShare
import ParamShareEngine
import Testing

/// The one schema of a run: every committed table and cell identifier reads as it was written.
@Suite("Run schema")
struct RunSchemaTests {
    /// Every runs table under `results/` (trials tables are runs tables too), with its text, or
    /// `nil` with the reason printed when the folder is absent (a source archive without results).
    private static func committedTables() throws -> [(path: String, text: String, document: CSVDocument)]? {
        let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("results").path
        guard FileManager.default.fileExists(atPath: results) else {
            print("RunSchemaTests: skipped, \(results) is absent, so there are no committed tables to read")
            return nil
        }
        return try FileManager.default.subpathsOfDirectory(atPath: results).sorted().filter { $0.hasSuffix(".csv") }.compactMap { path in
            let document = try CSVReader.read(contentsOfFile: results + "/" + path)
            guard RunsTableLayout(header: document.header) != nil else { return nil }
            return (path, try String(contentsOfFile: results + "/" + path, encoding: .utf8), document)
        }
    }

    @Test("every committed runs table re-writes through the schema's layout byte for byte, each value of its column's type")
    func committedTablesRewrite() throws {
        guard let tables = try Self.committedTables() else { return }
        #expect(tables.count >= 15)
        var rows = 0
        for table in tables {
            let layout = try #require(RunsTableLayout(header: table.document.header))
            // A table keeps the added columns it lacks absent until a sweep appends to it.
            let header = layout.columns.filter { RunsTableLayout.addedColumns[$0] == nil || table.document.header.contains($0) }
            let position = Dictionary(uniqueKeysWithValues: table.document.header.enumerated().map { ($1, $0) })
            let rewritten = ([header] + table.document.rows.map { row in header.map { row[position[$0]!] } }).map(CSVTable.line).joined()
            #expect(rewritten == table.text, "\(table.path)")
            rows += table.document.rows.count
            // Every value is of its column's declared type; a number or count may be missing (empty),
            // and an added column holds in rows written before it what its addition says they hold.
            for column in RunSchema.columns {
                guard let index = position[column.name] else { continue }
                for (row, line) in zip(table.document.rows, table.document.lineNumbers) {
                    let text = row[index]
                    let typed = switch column.type {
                    case .text: !text.isEmpty
                    case .integer: text.isEmpty || Int(text) != nil
                    case .number: text.isEmpty || Double(text) != nil
                    case .flag: Bool(text) != nil
                    }
                    let conforms = typed || text == column.added?.olderRows
                    #expect(conforms, "\(table.path):\(line) \(column.name) = '\(text)' is not \(column.type.rawValue)")
                }
            }
        }
        print("RunSchemaTests: \(tables.count) committed runs tables, \(rows) rows, re-written byte for byte, every value of its column's type")
    }

    @Test("every committed row's cell identifier and settings recompute from its columns through the schema")
    func committedIdentities() throws {
        guard let tables = try Self.committedTables() else { return }
        var recomputed = 0, olderMaths = 0
        for table in tables {
            for (row, line) in zip(table.document.rows, table.document.lineNumbers) {
                var fields = Dictionary(uniqueKeysWithValues: zip(table.document.header, row))
                // The table does not repeat the augmentation: every sweep took the data set's.
                let dataset = try #require(DatasetName(rawValue: fields["dataset"] ?? ""), "\(table.path):\(line)")
                let augmentation = TrainingConfiguration.defaults(for: dataset).augmentation
                fields["crop_padding"] = String(augmentation.cropPadding)
                fields["horizontal_flip"] = String(augmentation.horizontalFlip)
                let cell: SweepCell
                do { cell = try SweepCell(reading: fields, registry: .builtIn) } catch {
                    // Rows of a generator's earlier maths (the projection's version 2, `pruned`
                    // before its `threshold` option) make no cell of today's: their identifiers
                    // were computed without the options it has now.
                    let generator = fields["generator"] ?? ""
                    let olderOptions = fields.contains { $0.key.hasPrefix(generator + ".") && $0.value == RunSchema.notApplicable }
                    switch error {
                    case .versionSkew: olderMaths += 1
                    case let .missing(field) where RunsTableLayout.isOptionColumn(field): olderMaths += 1
                    case .refusedOptions where olderOptions: olderMaths += 1
                    default: Issue.record("\(table.path):\(line): \(error)")
                    }
                    continue
                }
                #expect(cell.identifier == fields["cell_id"], "\(table.path):\(line): \(cell.settings)")
                for column in RunSchema.columns where column.isTabulated {
                    guard case let .sharing(_, dense) = column.source, cell.sharing == nil else {
                        if let value = column.setting(of: cell), let written = fields[column.name] {
                            #expect(value == written, "\(table.path):\(line) \(column.name)")
                        }
                        continue
                    }
                    #expect(fields[column.name] == dense, "\(table.path):\(line) \(column.name)")
                }
                recomputed += 1
            }
        }
        #expect(recomputed > 2000)
        print("RunSchemaTests: \(recomputed) committed rows recompute their cell_id; \(olderMaths) rows of a generator's earlier maths skipped")
    }

    @Test("every committed trial and tuned run has the tuning key its committed selection table names")
    func committedTuningKeys() throws {
        guard let tables = try Self.committedTables() else { return }
        let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("results").path
        var checked = 0
        for selectionPath in try FileManager.default.subpathsOfDirectory(atPath: results).sorted() where selectionPath.hasSuffix("trials.selection.csv") {
            let selection = try TunedSettings(contentsOfFile: results + "/" + selectionPath, registry: .builtIn)
            let keys = Set(selection.entries.map(\.tuningKey))
            let folder = (selectionPath as NSString).deletingLastPathComponent
            var matched = Set<String>()
            for table in tables where (table.path as NSString).deletingLastPathComponent == folder {
                for (row, line) in zip(table.document.rows, table.document.lineNumbers) {
                    var fields = Dictionary(uniqueKeysWithValues: zip(table.document.header, row))
                    // A trial of the search, or a run at its selections.
                    guard [RunSchema.notApplicable, selection.search].contains(fields["tuning"]) else { continue }
                    let augmentation = TrainingConfiguration.defaults(for: try #require(DatasetName(rawValue: fields["dataset"] ?? ""))).augmentation
                    fields["crop_padding"] = String(augmentation.cropPadding)
                    fields["horizontal_flip"] = String(augmentation.horizontalFlip)
                    guard let cell = try? SweepCell(reading: fields, registry: .builtIn), fields["generator"] != GeneratorRegistry.denseName
                            || fields["tuning"] == selection.search else { continue }
                    let key = selection.space.tuningKey(of: cell)
                    #expect(keys.contains(key), "\(table.path):\(line): \(key)")
                    matched.insert(key)
                    checked += 1
                }
            }
            // Selections for cells of a generator's earlier maths (which make no cell today) match no row.
            #expect(!matched.isEmpty, "\(selectionPath)")
        }
        #expect(checked > 1000)
        print("RunSchemaTests: \(checked) committed trials and tuned runs have their selection table's tuning key")
    }

    /// Cells built by the grid as the studies built them, with the identifiers their committed
    /// rows carry (`results/`, pinned here so that the check needs no results folder).
    @Test("cells built by the grid keep the identifiers of their committed rows")
    func pinnedIdentifiers() throws {
        let rpg = try GeneratorSetting(RPGGenerator.descriptor)
        func cell(_ model: String, _ generator: GeneratorSetting?, budget: String? = nil, _ dataset: DatasetName, train: Int, test: Int,
                  seed: UInt64 = 0, lr: Double? = nil, scope: SharingScope? = nil, trainsBank: Bool = true,
                  step: BankStepScaling? = BankStepScaling.none, precision: ComputePrecision = .float32, tuning: String? = nil) throws -> SweepCell {
            var recipe = TrainingConfiguration.defaults(for: dataset, seed: seed)
            recipe.learningRate = lr ?? recipe.learningRate
            recipe.precision = precision
            let grid = SweepGrid(architectures: [try #require(Architecture(name: model))], generators: generator.map { [$0] } ?? [],
                                 includesDense: generator == nil, budgets: try budget.map { [try BudgetSpecification(parsing: $0)] } ?? [], scope: scope,
                                 bankTrainings: [trainsBank], stepScalings: step.map { [$0] }, seeds: [seed], recipe: recipe)
            var cell = try #require(grid.cells(on: DataSubset(dataset: dataset.rawValue, trainImages: train, testImages: test)).first)
            cell.tuning = tuning
            return cell
        }
        let cells = [
            // results/defaults-from-selection/digits/runs.csv: tuned, a scaled step, and dense at its tuned rate.
            try cell("lenet5", rpg, budget: "1%", .digits, train: 1346, test: 451, lr: 0.16, step: .sqrt, tuning: "3c1e85398d964e94"),
            try cell("lenet5", nil, .digits, train: 1346, test: 451, lr: 0.04, tuning: "3c1e85398d964e94"),
            // results/bf16-parity/runs.csv: bf16 operands.
            try cell("resnet20", nil, .cifar10, train: 10000, test: 10000, seed: 1, precision: .bfloat16),
            // results/b1-sharing-aware-steps/runs.csv: a per-layer step.
            try cell("resnet20", rpg, budget: "100%", .cifar10, train: 10000, test: 10000, step: .layer),
            // results/c2-sharing-at-equal-dof/runs.csv: the frozen control.
            try cell("resnet20", rpg, budget: "10%", .cifar10, train: 10000, test: 10000, trainsBank: false),
            // results/c5-ring-scope/runs.csv: one bank per layer.
            try cell("resnet20", rpg, budget: "10%", .cifar10, train: 10000, test: 10000, scope: .layer),
            // results/generators-at-equal-dof/digits-mlp-runs.csv: the projection at its own default step, `layer`.
            try cell("mlp", try GeneratorSetting(ProjectionGenerator.descriptor), budget: "2k", .digits, train: 1346, test: 451, lr: 0.05,
                     step: nil),
        ]
        #expect(cells.map(\.identifier) == ["56dfb0b6e8e4023e", "03c2bdc51b70f16f", "f2df67273d7fb600", "a5b22d22616bbf41",
                                            "cf2e254e4c7804ac", "8e2c8ce8e0f3e5cf", "a9c689c2a926f8ad"])
    }

    @Test("a checkpoint names every setting of its cell as the table spells it, and metadata from before the newer settings reads as the same cell")
    func checkpointMetadata() throws {
        let sharing = SharingSetting(generator: try GeneratorSetting(RPGGenerator.descriptor), budget: .percentage(10))
        let cell = SweepCell(architecture: .mlp(hiddenWidths: [8]), sharing: sharing,
                             data: DataSubset(dataset: "digits", trainImages: 1346, testImages: 451),
                             configuration: TrainingConfiguration.defaults(for: .digits))
        let model = try CellModel(building: cell, inputShape: [1, 8, 8], classes: 10)
        var metadata = Checkpoint(cell: cell, network: model.network, inputShape: [1, 8, 8], classes: 10,
                                  normalization: try ChannelNormalization(mean: [0], standardDeviation: [1]), testAccuracy: nil).metadata
        #expect(metadata["cell_id"] == cell.identifier && metadata["budget"] == "10%" && metadata["crop_padding"] == "0")
        #expect(metadata["bank_step"] == "none" && metadata["precision"] == "fp32" && metadata["validation_images"] == "0"
            && metadata["tuning"] == "none" && metadata["bank"] == "trained")
        #expect(try SweepCell(reading: metadata, registry: .builtIn) == cell)
        // Checkpoints written before precision, validation splits and tuning lack them.
        for added in ["precision", "validation_images", "tuning"] { metadata[added] = nil }
        #expect(try SweepCell(reading: metadata, registry: .builtIn) == cell)
        metadata["bank_step"] = "sideways"
        #expect { try SweepCell(reading: metadata, registry: .builtIn) } throws: { error in
            guard case let .unreadable(field, text) = error as? SweepCell.ReadingError else { return false }
            return field == "bank_step" && text == "sideways"
        }
        // A dense cell has no sharing settings to name.
        let dense = SweepCell(architecture: .mlp(hiddenWidths: [8]), sharing: nil, data: cell.data, configuration: cell.configuration)
        let denseModel = try CellModel(building: dense, inputShape: [1, 8, 8], classes: 10)
        let denseMetadata = Checkpoint(cell: dense, network: denseModel.network, inputShape: [1, 8, 8], classes: 10,
                                       normalization: try ChannelNormalization(mean: [0], standardDeviation: [1]), testAccuracy: nil).metadata
        #expect(["generator_version", "budget", "scope", "bank", "bank_step"].allSatisfy { denseMetadata[$0] == nil })
        #expect(try SweepCell(reading: denseMetadata, registry: .builtIn) == dense)
    }

    @Test("every column the analysis requires or groups settings by is a column of the schema")
    func analysisNames() {
        let names = Set(RunsTableLayout(optionColumns: []).columns)
        let read = RunTable.requiredColumns + RunSetting.columns(optionColumns: [])
        #expect(read.filter { !names.contains($0) } == [])
    }
}
