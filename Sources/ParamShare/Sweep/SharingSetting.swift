/// How a cell shares its layers: the generator, its budget and which layers draw from which bank.
public struct SharingSetting: Sendable, Hashable {
    public var generator: GeneratorSetting
    public var budget: BudgetSpecification
    public var scope: SharingScope
    public var generatesStem: Bool
    public var generatesClassifier: Bool
    /// Whether the banks train; frozen, they keep their initial values while batch norm, the stem
    /// and the classifier train: the control that shows what a bank learned.
    public var trainsBank: Bool
    /// How the banks' steps are scaled for sharing.
    public var stepScaling: BankStepScaling

    public init(generator: GeneratorSetting, budget: BudgetSpecification, scope: SharingScope = .global,
                generatesStem: Bool = false, generatesClassifier: Bool = false, trainsBank: Bool = true,
                stepScaling: BankStepScaling = .none) {
        self.stepScaling = stepScaling
        self.generator = generator
        self.budget = budget
        self.scope = scope
        self.generatesStem = generatesStem
        self.generatesClassifier = generatesClassifier
        self.trainsBank = trainsBank
    }

    /// Whether the banks train or stay frozen; `nil` for a baseline, which has no bank.
    package var bankTraining: BankTraining? {
        generator.descriptor.isBaseline ? nil : trainsBank ? .trained : .frozen
    }

    /// The layer roles whose weights are generated.
    package var generatedRoles: Set<WeightedLayer.Role> {
        var roles = SharingPlan.defaultRoles
        if generatesStem { roles.insert(.stem) }
        if generatesClassifier { roles.insert(.classifier) }
        return roles
    }
}
