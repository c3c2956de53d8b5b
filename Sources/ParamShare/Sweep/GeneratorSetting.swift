import ParamShareEngine

/// A built-in generator and its options, as a sweep names it.
public struct GeneratorSetting: Sendable, Hashable, CustomStringConvertible {
    /// The built-in generators; `dense` means no sharing.
    public enum Kind: String, Sendable, CaseIterable {
        case dense, rpg, hashing, projection, lowrank
    }

    public var kind: Kind
    public var rpgVariant: RPGVariant
    public var rpgPermutes: Bool
    public var rpgSigns: Bool

    public init(kind: Kind, rpgVariant: RPGVariant = .global, rpgPermutes: Bool = true, rpgSigns: Bool = true) {
        self.kind = kind
        self.rpgVariant = rpgVariant
        self.rpgPermutes = rpgPermutes
        self.rpgSigns = rpgSigns
    }

    public var description: String { kind.rawValue }

    /// A fresh generator of this kind, or `nil` for `dense`.
    public func makeGenerator<Scalar: EngineScalar>(_ scalar: Scalar.Type) -> (any ParameterGenerator<Scalar>)? {
        switch kind {
        case .dense: return nil
        case .rpg: return RPGGenerator<Scalar>(variant: rpgVariant, permutes: rpgPermutes, signs: rpgSigns)
        case .hashing: return HashingGenerator<Scalar>()
        case .projection: return ProjectionGenerator<Scalar>()
        case .lowrank: return LowRankGenerator<Scalar>()
        }
    }
}
