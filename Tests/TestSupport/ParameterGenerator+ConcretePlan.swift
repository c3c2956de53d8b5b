import ParamShare
import ParamShareEngine

extension ParameterGenerator {
    /// Plans this generator and returns its plan as the concrete type `type`, for tests that
    /// inspect a built-in plan's tables.
    public func plan<Plan: GeneratorPlan>(_ type: Plan.Type, layers: [GeneratedLayer], budget: Int, seed: UInt64) throws -> Plan {
        let plan = try self.plan(layers: layers, budget: budget, random: RandomSource(seed: seed), as: Plan.Scalar.self)
        guard let concrete = plan as? Plan else { preconditionFailure("\(Self.self) does not plan a \(Plan.self)") }
        return concrete
    }
}
