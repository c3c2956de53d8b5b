extension SweepCell {
    /// Why settings named as the runs table names them do not make a cell; the reader that had
    /// them (a checkpoint's) says it in its own terms.
    enum ReadingError: Error {
        /// A setting the cell needs is not among them.
        case missing(field: String)
        /// A setting holds text it does not accept.
        case unreadable(field: String, text: String)
        /// The generator is not registered.
        case unregistered(generator: String)
        /// The settings were written under another semantics version of the generator.
        case versionSkew(generator: String, written: Int, current: Int)
        /// The generator refuses its options.
        case refusedOptions(any Error)
    }

    /// The cell whose settings `fields` holds by the runs table's column names and spellings
    /// (`RunSchema`), with its generator found in `registry`.
    ///
    /// A setting the identity leaves out at its usual value (a plain step, fp32, no validation
    /// images or search) may be absent, as in checkpoints written before it existed, and is then
    /// read as that value.
    ///
    /// - Throws: ``ReadingError``.
    init(reading fields: [String: String], registry: GeneratorRegistry) throws(ReadingError) {
        func field(_ name: String) throws(ReadingError) -> String {
            guard let value = fields[name] else { throw .missing(field: name) }
            return value
        }
        let generatorName = try field(RunSchema.generator.name)
        var sharing: SharingSetting?
        if generatorName != GeneratorRegistry.denseName {
            guard let descriptor = registry.descriptor(named: generatorName) else { throw .unregistered(generator: generatorName) }
            let versionText = try field(RunSchema.generatorVersion.name)
            guard let version = Int(versionText) else { throw .unreadable(field: RunSchema.generatorVersion.name, text: versionText) }
            guard version == descriptor.semanticsVersion else {
                throw .versionSkew(generator: generatorName, written: version, current: descriptor.semanticsVersion)
            }
            var options: [String: String] = [:]
            for option in descriptor.options { options[option.name] = try field(descriptor.column(ofOption: option.name)) }
            let setting: GeneratorSetting
            do { setting = try GeneratorSetting(descriptor, options: options) } catch { throw .refusedOptions(error) }
            // The budget column, which every shared cell's settings name, replaces this placeholder below.
            sharing = SharingSetting(generator: setting, budget: .count(0))
        }
        self.init(architecture: .lenet5, sharing: sharing, data: DataSubset(dataset: "", trainImages: 0, testImages: 0),
                  configuration: TrainingConfiguration(epochs: 0, batchSize: 0, learningRate: 0))
        for column in RunSchema.columns where column.identity != nil && (sharing != nil || !column.isSharingSetting) {
            guard let read = column.read else { continue }
            guard let text = fields[column.name] ?? column.identity?.omittedAt else { throw .missing(field: column.name) }
            guard read(&self, text) else { throw .unreadable(field: column.name, text: text) }
        }
    }
}
