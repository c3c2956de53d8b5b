import ArgumentParser

/// A value a flag takes whose refusal says why: `unknown model 'resnet9'; use mlp, lenet5, …`.
///
/// argument-parser's `ExpressibleByArgument` can only refuse a value (`init?(argument:)`), so
/// these types parse through a throwing `init(parsing:)` and are declared as
/// `@Option(transform: T.init(parsing:))`: argument-parser then reports the reason after its
/// own "The value … is invalid for --flag". Their `ExpressibleByArgument` conformance lets them
/// stand wherever an argument does, and shows their defaults as typed.
package protocol ArgumentValue: ExpressibleByArgument, CustomStringConvertible, Sendable {
    /// Parses `text` as typed after the flag.
    ///
    /// - Throws: an error whose description says what is wrong with `text` and what would do.
    init(parsing text: String) throws
}

extension ArgumentValue {
    // Public: they fulfil a public protocol's requirements for public types too.
    public init?(argument: String) {
        try? self.init(parsing: argument)
    }

    public var defaultValueDescription: String { description }
}
