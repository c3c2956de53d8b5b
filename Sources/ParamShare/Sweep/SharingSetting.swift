/// How a cell shares its layers: the generator, its budget and which layers draw from which bank.
public struct SharingSetting: Sendable, Hashable {
    public var generator: GeneratorSetting
    public var budget: BudgetSpecification
    public var scope: SharingScope
    public var generatesStem: Bool
    public var generatesClassifier: Bool

    public init(generator: GeneratorSetting, budget: BudgetSpecification, scope: SharingScope = .global,
                generatesStem: Bool = false, generatesClassifier: Bool = false) {
        self.generator = generator
        self.budget = budget
        self.scope = scope
        self.generatesStem = generatesStem
        self.generatesClassifier = generatesClassifier
    }

    /// The layer roles whose weights are generated.
    public var generatedRoles: Set<WeightedLayer.Role> {
        var roles = SharingPlan.defaultRoles
        if generatesStem { roles.insert(.stem) }
        if generatesClassifier { roles.insert(.classifier) }
        return roles
    }
}
