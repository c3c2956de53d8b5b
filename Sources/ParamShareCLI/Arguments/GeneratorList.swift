import ParamShare
import ParamShareArguments

/// `--generators rpg,hashing,dense`: registered generators and baselines, and whether dense is among them.
struct GeneratorList: ArgumentValue {
    var descriptors: [GeneratorDescriptor]
    var includesDense: Bool
    var description: String

    init(parsing text: String) throws {
        (descriptors, includesDense) = try CommandLineRegistry.generators(named: text)
        description = text
    }
}
